#pragma once

// One mapping of every address, subnet and ID of both configs into the lab's
// own ranges that keeps every relation: equal stays equal, different stays
// different, a subnet of another stays inside its image, disjoint subnets
// stay disjoint, an address nobody owns stays unowned. So a wrong remote
// gateway or a subnet mismatch in the customer's config is the same fault
// in the lab, and nothing is ever sent to a customer address.
//
//   outer addresses: the initiator's own -> 192.0.2.1, the responder's own ->
//     192.0.2.2, any other -> 192.0.2.99, .98, ... (on the link, unowned);
//     a host name (gw.example.com, PH_IP_MOON) is a value like an address.
//   subnets: each outermost one gets a lab block of the same size in 10/8
//     (aligned, disjoint; a host's own subnet where it holds its inner
//     address 10.1.0.1 / 10.2.0.1 when free); nested ones keep their offset inside it; an
//     address inside an outer gateway's /32 follows that gateway.
//   IDs: a host's own ID -> the lab's identity of that host (its stand-in
//     certificate carries it), others -> idN.replay.ikelab.test; an ID that
//     is an address maps like that address; %any stays %any.

#include <map>
#include <string>
#include <vector>

namespace ikelab::replay {

struct Substitution {
  std::string from;
  std::string to;
  std::string where;  // "initiator local_addrs"
};

class LabMapping {
 public:
  // Declares an owner of `customer` (called before any other look-up).
  void own_address(const std::string& customer, const std::string& lab_address, const std::string& where);
  void own_id(const std::string& customer, const std::string& lab_id, const std::string& where);
  // Registers every subnet up front so containment is known before blocks are assigned.
  // `hint`: a lab address the subnet's image should contain if it can (a
  // host's inner address, so the daemons find a source address for its
  // policies); without it, or when taken, the next free block.
  void declare_subnet(const std::string& customer, const std::string& hint = "");

  std::string address(const std::string& customer, const std::string& where);
  std::string subnet(const std::string& customer, const std::string& where);  // also "dynamic" (kept)
  std::string id(const std::string& customer, const std::string& where);

  const std::vector<Substitution>& substitutions() const { return substitutions_; }

 private:
  void note(const std::string& from, const std::string& to, const std::string& where);
  void assign_subnets();

  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::string> ids_;
  std::vector<std::string> declared_subnets_;
  std::map<std::string, std::string> hints_;
  std::map<std::string, std::string> subnets_;
  bool subnets_assigned_ = false;
  int next_unowned_ = 99;
  int next_id_ = 1;
  std::vector<Substitution> substitutions_;
};

}  // namespace ikelab::replay
