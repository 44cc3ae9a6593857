#pragma once

// Every case runs in namespaces of its own, so every case uses the same
// addresses (documentation ranges; they never leave the lab's namespaces).
namespace ikelab::harness::lab_addresses {

inline constexpr const char* initiator_outer = "192.0.2.1";
inline constexpr const char* responder_outer = "192.0.2.2";
inline constexpr int outer_prefix = 24;
// An address on the link that no host owns: the target of "peer unreachable"
// and the wrong gateway a misconfigured side may name.
inline constexpr const char* unused_outer = "192.0.2.99";

inline constexpr const char* initiator_inner_subnet = "10.1.0.0/24";
inline constexpr const char* initiator_inner_address = "10.1.0.1";
inline constexpr const char* responder_inner_subnet = "10.2.0.0/24";
inline constexpr const char* responder_inner_address = "10.2.0.1";

}  // namespace ikelab::harness::lab_addresses
