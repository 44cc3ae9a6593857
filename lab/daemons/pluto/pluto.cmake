# The libreswan (pluto) peer: the XFRM stand-in preloaded into lab plutos.
add_library(ikelab_pluto_xfrm_standin MODULE ${CMAKE_CURRENT_LIST_DIR}/pluto_xfrm_standin.cpp)
target_link_libraries(ikelab_pluto_xfrm_standin PRIVATE ${CMAKE_DL_LIBS})
set_target_properties(ikelab_pluto_xfrm_standin PROPERTIES
  PREFIX "" LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
# Where the harness finds it and libreswan (scripts/install-libreswan.sh).
set(IKELAB_LIBRESWAN_PREFIX "/opt/ikelab/libreswan-4.10" CACHE PATH "libreswan 4.10 unpacked by scripts/install-libreswan.sh")
target_compile_definitions(ikelab_lab PUBLIC
  IKELAB_PLUTO_XFRM_STANDIN="$<TARGET_FILE:ikelab_pluto_xfrm_standin>"
  IKELAB_LIBRESWAN_PREFIX="${IKELAB_LIBRESWAN_PREFIX}")
add_dependencies(ikelab_lab ikelab_pluto_xfrm_standin)
