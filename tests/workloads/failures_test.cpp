// The MTBF/MTTR failure model and the node-events file.
#include "workloads/failures.hpp"

#include <gtest/gtest.h>

#include <map>

#include "sim/error.hpp"

using namespace clustersim;

namespace {

std::vector<NodeEvent> take(NodeEventSource& s, int n) {
  std::vector<NodeEvent> out;
  for (int i = 0; i < n; ++i) out.push_back(*s.next());
  return out;
}

}  // namespace

TEST(MtbfFailureSource, EachNodeAlternatesFailureAndRepairInTimeOrder) {
  MtbfFailureSource s(8, Time::from_seconds(100), {.mtbf_hours = 10, .mttr_hours = 1, .seed = 3});
  std::map<uint32_t, bool> up;
  Time last = Time::zero();
  for (const NodeEvent& e : take(s, 2000)) {
    EXPECT_GE(e.time, last);
    EXPECT_GT(e.time, Time::from_seconds(100));
    last = e.time;
    const bool was_up = up.count(e.node.value()) ? up[e.node.value()] : true;
    EXPECT_NE(e.up, was_up) << "node " << e.node.value() << " at " << e.time.seconds();
    up[e.node.value()] = e.up;
  }
  EXPECT_EQ(up.size(), 8u);
}

TEST(MtbfFailureSource, MeanUpAndDownTimesFollowTheModel) {
  // One node, 20,000 cycles: the sample means of exponential(10 h) and exponential(2 h) are
  // within 3% (the standard error is 0.7%).
  MtbfFailureSource s(1, Time::zero(), {.mtbf_hours = 10, .mttr_hours = 2, .seed = 11});
  double up_sum = 0, down_sum = 0;
  Time last = Time::zero();
  const int cycles = 20000;
  for (int i = 0; i < 2 * cycles; ++i) {
    const NodeEvent e = *s.next();
    ((e.up ? down_sum : up_sum)) += (e.time - last).seconds() / 3600.0;
    last = e.time;
  }
  EXPECT_NEAR(up_sum / cycles, 10.0, 0.3);
  EXPECT_NEAR(down_sum / cycles, 2.0, 0.06);
}

TEST(MtbfFailureSource, SameSeedSameEventsAndANodeDoesNotDependOnTheClusterSize) {
  MtbfFailureSource a(4, Time::zero(), {.mtbf_hours = 5, .mttr_hours = 1, .seed = 7});
  MtbfFailureSource b(4, Time::zero(), {.mtbf_hours = 5, .mttr_hours = 1, .seed = 7});
  EXPECT_EQ(take(a, 500), take(b, 500));
  MtbfFailureSource c(4, Time::zero(), {.mtbf_hours = 5, .mttr_hours = 1, .seed = 8});
  EXPECT_NE(take(a, 50), take(c, 50));
  // Node 0's events among 4 nodes and among 64 nodes are the same.
  MtbfFailureSource small(4, Time::zero(), {.mtbf_hours = 5, .mttr_hours = 1, .seed = 7});
  MtbfFailureSource big(64, Time::zero(), {.mtbf_hours = 5, .mttr_hours = 1, .seed = 7});
  auto node0 = [](NodeEventSource& s, int n) {
    std::vector<NodeEvent> out;
    while (static_cast<int>(out.size()) < n) {
      NodeEvent e = *s.next();
      if (e.node.value() == 0) out.push_back(e);
    }
    return out;
  };
  EXPECT_EQ(node0(small, 20), node0(big, 20));
}

TEST(MtbfFailureSource, ZeroMtbfMeansNoFailuresAndBadValuesAreNamed) {
  MtbfFailureSource off(4, Time::zero(), {});
  EXPECT_FALSE(off.next().has_value());
  try {
    MtbfFailureSource bad(4, Time::zero(), {.mtbf_hours = 1, .mttr_hours = 0});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mttr_hours"), std::string::npos);
  }
}

TEST(NodeEventsFile, ParsesEventsAndNamesLineAndColumnOfMistakes) {
  const auto events = parse_node_events("time_s,node,event\n# a comment\n3600,12,fail\n7200.5, 12 ,repair\n", "f.csv");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (NodeEvent{Time::from_seconds(3600), NodeId(12), false}));
  EXPECT_EQ(events[1], (NodeEvent{Time::from_us(7200500000), NodeId(12), true}));
  auto error_of = [](const std::string& text) {
    try {
      parse_node_events(text, "f.csv");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of("10,1,explode\n"), "f.csv:1: column event: expected fail or repair, found 'explode'");
  EXPECT_EQ(error_of("# x\n-5,1,fail\n"), "f.csv:2: column time_s: expected seconds >= 0, found '-5'");
  EXPECT_EQ(error_of("5,x,fail\n"), "f.csv:1: column node: expected a node index >= 0, found 'x'");
  EXPECT_EQ(error_of("5,1\n"), "f.csv:1: expected 3 columns time_s,node,event, found 2");
  EXPECT_THROW(read_node_events("/nonexistent/events.csv"), InputError);
}
