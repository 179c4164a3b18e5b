#include "policies/registry.hpp"

#include "policies/batch.hpp"
#include "policies/dl.hpp"
#include "policies/lp/assign_lp.hpp"
#include "policies/packing.hpp"
#include "policies/lp/lp_policy.hpp"
#include "policies/predict/estimates.hpp"
#include "policies/rounds.hpp"
#include "sim/error.hpp"

namespace clustersim {

namespace {
PolicyRegistry& builtin_registry() {
  static PolicyRegistry registry = [] {
    PolicyRegistry r;
    register_batch_policies(r);
    register_dl_policies(r);
    register_packing_policies(r);
    register_round_policies(r);
    register_lp_policies(r);
    register_lp_assign_policy(r);
    return r;
  }();
  return registry;
}
}  // namespace

const PolicyRegistry& PolicyRegistry::builtin() { return builtin_registry(); }

void PolicyRegistry::extend_builtin(const std::function<void(PolicyRegistry&)>& add) { add(builtin_registry()); }

void PolicyRegistry::add(PolicyInfo info) {
  if (find(info.name)) throw std::logic_error("policy '" + info.name + "' registered twice");
  entries_.push_back(std::move(info));
}

const PolicyInfo* PolicyRegistry::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> PolicyRegistry::names() const {
  std::vector<std::string> n;
  for (const auto& e : entries_) n.push_back(e.name);
  return n;
}

std::unique_ptr<Policy> PolicyRegistry::make(const std::string& name,
                                             const std::map<std::string, std::string>& params) const {
  const PolicyInfo* info = find(name);
  if (!info) {
    std::string msg = "unknown policy '" + name + "'";
    std::string near = closest_match(name, names());
    if (!near.empty()) msg += " (did you mean '" + near + "'?)";
    msg += "; known policies:";
    for (const auto& n : names()) msg += " " + n;
    throw InputError(msg);
  }
  PolicyParams p(name, params);
  std::vector<std::string> known;
  for (const auto& pi : info->params) known.push_back(pi.name);
  p.reject_unknown(known);
  return info->make(p);
}

// ---------------------------------------------------------------------------------------------

static PlacementStrategy placement_param(const PolicyParams& p, const std::string& fallback) {
  return p.get_choice("placement", fallback, {"first-fit", "round-robin"}) == "round-robin"
             ? PlacementStrategy::RoundRobin
             : PlacementStrategy::FirstFit;
}

static void add_batch(PolicyRegistry& r, const std::string& name, const std::string& description,
                      const std::string& order, const std::string& backfill, const std::string& placement) {
  r.add(PolicyInfo{
      name,
      description,
      {{"order", order, "queue order: fcfs (arrival) or sjf (shortest requested time first)"},
       {"backfill", backfill, "none (the first job that does not fit blocks) or easy"},
       {"placement", placement, "which nodes a job gets: first-fit or round-robin"},
       {"estimate", "requested", std::string(RuntimeEstimates::param_description()) + "; used by sjf order and easy"},
       {"reservation", "estimate",
        "easy with an estimate other than requested: estimate (the head's reservation from the estimates) or "
        "requested (backfills must also keep the requested-time reservation: EASY's guarantee)"}},
      [name, order, backfill, placement](const PolicyParams& p) -> std::unique_ptr<Policy> {
        BatchPolicyConfig c;
        c.order = p.get_choice("order", order, {"fcfs", "sjf"}) == "sjf" ? QueueOrder::Sjf : QueueOrder::Fcfs;
        c.backfill = p.get_choice("backfill", backfill, {"none", "easy"}) == "easy" ? Backfill::Easy : Backfill::None;
        c.placement = placement_param(p, placement);
        c.reservation = p.get_choice("reservation", "estimate", {"estimate", "requested"}) == "requested"
                            ? Reservation::Requested
                            : Reservation::Estimate;
        return std::make_unique<BatchPolicy>(
            name, c,
            RuntimeEstimates::by_name(p.get_string("estimate", "requested"), "policy " + name + ": parameter 'estimate'"));
      }});
}

void register_batch_policies(PolicyRegistry& r) {
  add_batch(r, "fcfs", "first come first served: start jobs in arrival order; the first that does not fit blocks",
            "fcfs", "none", "first-fit");
  add_batch(r, "sjf", "shortest job first by requested time (ties by arrival); the first that does not fit blocks",
            "sjf", "none", "first-fit");
  add_batch(r, "rr", "FCFS order with round-robin placement: each job's tasks go to the nodes after the last ones used",
            "fcfs", "none", "round-robin");
  add_batch(r, "easy", "EASY backfilling: FCFS with a reservation for the queue head; later jobs start if they do not delay it",
            "fcfs", "easy", "first-fit");
  add_batch(r, "easy-sjf", "EASY backfilling with the queue (head and backfill candidates) in SJF order",
            "sjf", "easy", "first-fit");
}

}  // namespace clustersim
