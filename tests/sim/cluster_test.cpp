#include "sim/cluster.hpp"

#include <gtest/gtest.h>

using namespace clustersim;

TEST(Cluster, FirstFitFillsLowestNodesFirst) {
  Cluster c = Cluster::homogeneous(3, Resources{4, 0, 0});
  std::vector<Slot> p;
  ASSERT_TRUE(c.find_placement(6, Resources{1, 0, 0}, PlacementStrategy::FirstFit, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(0), 4}, {NodeId(1), 2}}));
  c.allocate(Resources{1, 0, 0}, p);
  EXPECT_EQ(c.total_free().cores, 6);
  EXPECT_EQ(c.free(NodeId(1)).cores, 2);
  ASSERT_TRUE(c.find_placement(3, Resources{1, 0, 0}, PlacementStrategy::FirstFit, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(1), 2}, {NodeId(2), 1}}));
}

TEST(Cluster, RoundRobinContinuesAfterTheLastNodeUsed) {
  Cluster c = Cluster::homogeneous(4, Resources{2, 0, 0});
  std::vector<Slot> p;
  ASSERT_TRUE(c.find_placement(1, Resources{1, 0, 0}, PlacementStrategy::RoundRobin, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(0), 1}}));
  c.allocate(Resources{1, 0, 0}, p);
  ASSERT_TRUE(c.find_placement(1, Resources{1, 0, 0}, PlacementStrategy::RoundRobin, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(1), 1}}));
  c.allocate(Resources{1, 0, 0}, p);
  ASSERT_TRUE(c.find_placement(3, Resources{1, 0, 0}, PlacementStrategy::RoundRobin, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(2), 2}, {NodeId(3), 1}}));
  c.allocate(Resources{1, 0, 0}, p);
  // The last node used was 3: the next placement wraps around to nodes 0 and 1.
  ASSERT_TRUE(c.find_placement(2, Resources{1, 0, 0}, PlacementStrategy::RoundRobin, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(0), 1}, {NodeId(1), 1}}));
}

TEST(Cluster, NonUnitTasksRespectPerNodeFragmentation) {
  // Two nodes with 3 free cores each: 6 cores free, but only two 2-core tasks fit.
  Cluster c = Cluster::homogeneous(2, Resources{3, 0, 0});
  EXPECT_TRUE(c.fits_now(2, Resources{2, 0, 0}));
  EXPECT_FALSE(c.fits_now(3, Resources{2, 0, 0}));
  std::vector<Slot> p;
  EXPECT_FALSE(c.find_placement(3, Resources{2, 0, 0}, PlacementStrategy::FirstFit, p));
  EXPECT_TRUE(p.empty());
}

TEST(Cluster, ExplainsWhyAJobCanNeverFit) {
  Cluster c = Cluster::homogeneous(2, Resources{4, 2000, 1024});
  EXPECT_FALSE(c.why_never_fits(8, Resources{1, 0, 0}).has_value());
  auto too_many = c.why_never_fits(9, Resources{1, 0, 0});
  ASSERT_TRUE(too_many.has_value());
  EXPECT_NE(too_many->find("at most 8"), std::string::npos) << *too_many;
  auto too_big = c.why_never_fits(1, Resources{1, 3000, 0});
  ASSERT_TRUE(too_big.has_value());
  EXPECT_NE(too_big->find("more than any node offers"), std::string::npos) << *too_big;
}

TEST(Cluster, CheckPlacementNamesTheNodeAndTheProblem) {
  Cluster c = Cluster::homogeneous(2, Resources{4, 0, 0});
  std::vector<Slot> over{{NodeId(0), 5}};
  EXPECT_NE(c.check_placement(5, Resources{1, 0, 0}, over).find("node 0 has"), std::string::npos);
  std::vector<Slot> missing{{NodeId(7), 1}};
  EXPECT_NE(c.check_placement(1, Resources{1, 0, 0}, missing).find("node 7 does not exist"), std::string::npos);
  std::vector<Slot> short_by_one{{NodeId(0), 2}};
  EXPECT_NE(c.check_placement(3, Resources{1, 0, 0}, short_by_one).find("holds 2 tasks"), std::string::npos);
  std::vector<Slot> twice{{NodeId(1), 1}, {NodeId(1), 1}};
  EXPECT_NE(c.check_placement(2, Resources{1, 0, 0}, twice).find("twice"), std::string::npos);
  std::vector<Slot> ok{{NodeId(0), 4}, {NodeId(1), 1}};
  EXPECT_EQ(c.check_placement(5, Resources{1, 0, 0}, ok), "");
}

TEST(Cluster, DownNodesLeaveThePool) {
  Cluster c = Cluster::homogeneous(2, Resources{4, 0, 0});
  c.set_up(NodeId(0), false);
  EXPECT_EQ(c.total_free().cores, 4);
  EXPECT_FALSE(c.fits_now(5, Resources{1, 0, 0}));
  std::vector<Slot> p;
  ASSERT_TRUE(c.find_placement(4, Resources{1, 0, 0}, PlacementStrategy::FirstFit, p));
  EXPECT_EQ(p, (std::vector<Slot>{{NodeId(1), 4}}));
  EXPECT_NE(c.check_placement(1, Resources{1, 0, 0}, std::vector<Slot>{{NodeId(0), 1}}).find("down"), std::string::npos);
  c.set_up(NodeId(0), true);
  EXPECT_EQ(c.total_free().cores, 8);
}
