#include "sim/engine.hpp"

namespace clustersim {

const EngineView& Decisions::view() const { return *engine_; }
void Decisions::start(JobId job) { engine_->start_with(job, engine_->config().placement); }
void Decisions::start(JobId job, PlacementStrategy strategy) { engine_->start_with(job, strategy); }
void Decisions::start(JobId job, std::span<const Slot> placement) { engine_->start(job, placement); }
bool Decisions::try_start(JobId job) { return engine_->try_start_with(job, engine_->config().placement); }
bool Decisions::try_start(JobId job, PlacementStrategy strategy) { return engine_->try_start_with(job, strategy); }
void Decisions::preempt(JobId job) { engine_->preempt(job); }
void Decisions::migrate(JobId job, std::span<const Slot> placement) { engine_->migrate(job, placement); }
void Decisions::wake_at(Time t) { engine_->wake_at(t); }
void Decisions::power_on(NodeId node) { engine_->power_on(node); }
void Decisions::power_off(NodeId node) { engine_->power_off(node); }
AllocationChanges Decisions::apply(const Allocation& allocation) { return engine_->apply(allocation); }

}  // namespace clustersim
