#pragma once
// Proposals compared by meaning: charon's `received proposals:` /
// `configured proposals:` lists (IKE:AES_CBC_128/HMAC_SHA2_256_128/
// PRF_HMAC_SHA2_256/MODP_2048, ESP:AES_GCM_16_256/NO_EXT_SEQ, ...) parsed into
// transforms per component, the closest pair of a peer's and this host's
// proposals found, and the components that differ named.

#include <string>
#include <string_view>
#include <vector>

namespace ikelab::diag {

enum class Component { encryption, integrity, prf, dh, esn };
inline constexpr int kComponentCount = 5;
const char* component_name(Component component);

struct Proposal {
  std::string protocol;  // IKE, ESP, AH
  std::vector<std::string> transforms[kComponentCount];
};

// "IKE:A/B/C, IKE:D/E" (charon may prefix "1:" or not) -> proposals; unknown
// names are skipped, an empty list gives none.
std::vector<Proposal> parse_proposals(std::string_view list);

struct ProposalDiff {
  bool compared = false;                // both lists parsed
  std::vector<Component> differing;     // of the closest pair, in Component order
  std::string summary;                  // "encryption: peer offers X, this host accepts Y; ..."
  std::string offered;                  // the peer's closest proposal in swanctl/ipsec.conf syntax
  bool only_dh() const { return differing.size() == 1 && differing[0] == Component::dh; }
};

// `received`: what the peer offered; `configured`: what this host accepts.
ProposalDiff compare_proposals(std::string_view received, std::string_view configured);

// pluto's refused phase 1 transforms, one per `Oakley Transform [...] refused`
// line ("3DES_CBC (192), HMAC_MD5, MODP1024"): what the peer offers per
// component and the components every refused transform shares (pluto does
// not log what this host accepts), e.g. "the peer offers encryption 3DES_CBC,
// integrity HMAC_MD5/HMAC_SHA1, DH group MODP1024; every refused transform
// has DH group MODP1024". Empty when none parses.
std::string describe_refused(const std::vector<std::string>& transforms);

// One transform in swanctl / ipsec.conf syntax (AES_CBC_128 -> aes128,
// HMAC_SHA2_256_128 -> sha256, MODP_2048 -> modp2048); empty when unknown.
std::string keyword_of(std::string_view transform);

}  // namespace ikelab::diag
