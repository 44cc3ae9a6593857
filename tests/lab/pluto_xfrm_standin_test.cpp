// Lab test (root): with the XFRM stand-in, installing an ESP SA succeeds
// (whether or not the kernel has ESP), and other answers stay as they are. Runs iproute2's `ip xfrm` (a real
// netlink client) in a namespace of its own, with and without the stand-in.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <string>
#include <vector>

namespace bp = boost::process;

namespace {

struct Namespace {
  std::string name = "ikl-standin-" + std::to_string(::getpid());
  Namespace() { bp::system(bp::search_path("ip"), "netns", "add", name); }
  ~Namespace() { bp::system(bp::search_path("ip"), "netns", "del", name); }
};

int ip_xfrm(const Namespace& ns, const std::vector<std::string>& args, bool standin) {
  std::vector<std::string> argv{"-n", ns.name, "xfrm", "state"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto env = boost::this_process::environment();
  if (standin) env["LD_PRELOAD"] = IKELAB_PLUTO_XFRM_STANDIN;
  return bp::system(bp::search_path("ip"), bp::args(argv), env, bp::std_out > bp::null,
                    bp::std_err > bp::null);
}

const std::string key = "0x00000000000000000000000000000001";
const std::vector<std::string> add_esp{"add", "src", "192.0.2.1", "dst", "192.0.2.2", "proto",
                                       "esp", "spi", "0x100", "enc", "cbc(aes)", key,
                                       "auth", "hmac(sha256)", key + key.substr(2)};

}  // namespace

TEST(PlutoXfrmStandin, AcknowledgesEspSaInstall) {
  Namespace ns;
  EXPECT_EQ(ip_xfrm(ns, add_esp, true), 0);
}

TEST(PlutoXfrmStandin, LeavesOtherErrorsAlone) {
  Namespace ns;
  // Deleting an SA the stand-in never acknowledged stays "No such process".
  EXPECT_NE(ip_xfrm(ns, {"delete", "src", "192.0.2.1", "dst", "192.0.2.2", "proto", "esp",
                         "spi", "0x200"}, true), 0);
}
