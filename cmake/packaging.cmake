# What `cmake --install` puts beside the program and data: man pages (from
# docs/man/*.scd, written with scdoc), bash and zsh completion; and the
# Debian package CPack builds from that install (cpack -G DEB in the build
# folder: ikelab_<version>_amd64.deb, data under /usr/share/ikelab).

set(IKELAB_MAN_PAGES ikelab ikelab-diagnose ikelab-run ikelab-list ikelab-cleanup ikelab-corpus ikelab-replay)
find_program(SCDOC scdoc)
if(SCDOC)
  set(man_outputs)
  foreach(page IN LISTS IKELAB_MAN_PAGES)
    set(source ${PROJECT_SOURCE_DIR}/docs/man/${page}.1.scd)
    set(output ${PROJECT_BINARY_DIR}/man/${page}.1.gz)
    add_custom_command(OUTPUT ${output}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND sh -c "'${SCDOC}' < '${source}' | gzip -9n > '${output}'"
      DEPENDS ${source} VERBATIM)
    list(APPEND man_outputs ${output})
  endforeach()
  add_custom_target(man ALL DEPENDS ${man_outputs})
  install(FILES ${man_outputs} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "scdoc not found (scripts/setup.sh installs it): no man pages will be built or installed")
endif()

install(FILES ${PROJECT_SOURCE_DIR}/completions/ikelab.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ikelab)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_ikelab DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ikelab)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "the ikelab project")
set(CPACK_PACKAGE_CONTACT "ikelab developers <ikelab@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "IPsec lab of real IKE daemons and a diagnoser of IKE logs")
set(CPACK_PACKAGE_DESCRIPTION
    "ikelab names the fault of every IKE connection attempt in strongSwan and libreswan logs, and runs a lab of real daemons in network namespaces that injects each fault and checks the diagnosis.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# ikelab_<version>_amd64.deb (no Debian revision is set).
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# Depends: the shared libraries the program links (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The lab (ikelab run, corpus, replay) drives these; diagnose needs none of them.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "strongswan-charon, strongswan-swanctl, strongswan-pki, libcharon-extra-plugins, libstrongswan-extra-plugins, libstrongswan-standard-plugins, libcharon-extauth-plugins, iproute2, tcpdump, nftables, util-linux")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
include(CPack)
