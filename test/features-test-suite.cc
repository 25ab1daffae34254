/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Tests of the passive features: reservoir sampling against the study's survival formula,
// the six per-server statistics and the reward indices, each against values worked out by
// hand.

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/marl-lb-module.h"
#include "ns3/random-variable-stream.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/test.h"

#include <cmath>

using namespace ns3;

/**
 * \ingroup marl-lb-tests
 * Samples of a Poisson stream survive in the reservoir as the study's formula predicts.
 */
class ReservoirAgeTestCase : public TestCase
{
  public:
    ReservoirAgeTestCase()
        : TestCase("Reservoir keeps samples of each age as the study's formula predicts")
    {
    }

  private:
    void DoRun() override
    {
        // lambda = 80/s, p = 0.05, K = 1000, 300 s of stream: the expected count of samples
        // aged in [T, T + 1) s is lambda p ((K - p) / K)^(lambda T).
        const double lambda = 80;
        const double p = 0.05;
        const uint32_t slots = 1000;
        const int repetitions = 20;
        std::vector<double> countByAge(60, 0.0);
        auto gaps = CreateObject<ExponentialRandomVariable>();
        gaps->SetAttribute("Mean", DoubleValue(1 / lambda));
        gaps->SetStream(11);
        auto draws = CreateObject<UniformRandomVariable>();
        draws->SetStream(12);
        for (int repetition = 0; repetition < repetitions; ++repetition)
        {
            ReservoirSampler reservoir(slots, p);
            double now = 0;
            while (now < 300)
            {
                reservoir.Offer(Seconds(now), now, draws->GetValue(), draws->GetValue());
                now += gaps->GetValue();
            }
            for (const auto& sample : reservoir.GetSamples())
            {
                auto age = static_cast<std::size_t>(300 - sample.time.GetSeconds());
                if (age < countByAge.size())
                {
                    countByAge[age] += 1.0 / repetitions;
                }
            }
        }
        for (double age : {0.0, 5.0, 20.0, 50.0})
        {
            // Average the formula over the age bin [age, age + 1).
            double expected = 0;
            for (int step = 0; step < 100; ++step)
            {
                double t = age + (step + 0.5) / 100;
                expected += lambda * p * std::pow((slots - p) / slots, lambda * t) / 100;
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(countByAge[static_cast<std::size_t>(age)],
                                      expected,
                                      0.25 * expected + 0.3,
                                      "samples aged " << age << " s");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * A keep probability p admits that fraction of the offered samples.
 */
class ReservoirKeepProbabilityTestCase : public TestCase
{
  public:
    ReservoirKeepProbabilityTestCase()
        : TestCase("Reservoir with p < 1 keeps the expected fraction of samples")
    {
    }

  private:
    void DoRun() override
    {
        auto draws = CreateObject<UniformRandomVariable>();
        draws->SetStream(21);
        for (double p : {1.0, 0.5, 0.1})
        {
            ReservoirSampler reservoir(128, p);
            uint32_t kept = 0;
            const uint32_t offered = 20000;
            for (uint32_t i = 0; i < offered; ++i)
            {
                kept += reservoir.Offer(Seconds(i), i, draws->GetValue(), draws->GetValue());
            }
            NS_TEST_ASSERT_MSG_EQ_TOL(kept / static_cast<double>(offered),
                                      p,
                                      0.01,
                                      "kept fraction for p = " << p);
            NS_TEST_ASSERT_MSG_EQ(reservoir.GetFilled(), 128, "all slots filled for p = " << p);
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * The six features match values computed by hand.
 */
class ServerFeaturesTestCase : public TestCase
{
  public:
    ServerFeaturesTestCase()
        : TestCase("Features of a small reservoir match hand-computed values")
    {
    }

  private:
    void DoRun() override
    {
        // Values 1, 2, 3, 4 s taken at 10, 9, 8, 10 s; now is 10 s, base 0.9.
        std::vector<ReservoirSampler::Sample> samples = {{Seconds(10), 1.0},
                                                         {Seconds(9), 2.0},
                                                         {Seconds(8), 3.0},
                                                         {Seconds(10), 4.0}};
        ServerFeatures features = ComputeServerFeatures(samples, 7, Seconds(10), 0.9);
        NS_TEST_ASSERT_MSG_EQ(features.ongoingFlows, 7, "on-going flows passed through");
        NS_TEST_ASSERT_MSG_EQ_TOL(features.mean, 2.5, 1e-12, "mean");
        // Population variance of 1..4 is 1.25.
        NS_TEST_ASSERT_MSG_EQ_TOL(features.stdDev, std::sqrt(1.25), 1e-12, "standard deviation");
        // Rank 0.9 * 3 = 2.7 between 3 and 4.
        NS_TEST_ASSERT_MSG_EQ_TOL(features.p90, 3.7, 1e-12, "90th percentile");
        // Discounted values: 1, 2 * 0.9, 3 * 0.81, 4 = 1, 1.8, 2.43, 4.
        NS_TEST_ASSERT_MSG_EQ_TOL(features.discountedMean,
                                  (1 + 1.8 + 2.43 + 4) / 4,
                                  1e-12,
                                  "discounted mean");
        // Sorted 1, 1.8, 2.43, 4: rank 2.7 gives 2.43 + 0.7 * 1.57.
        NS_TEST_ASSERT_MSG_EQ_TOL(features.discountedP90,
                                  2.43 + 0.7 * 1.57,
                                  1e-12,
                                  "discounted 90th percentile");

        ServerFeatures empty = ComputeServerFeatures({}, 3, Seconds(1), 0.9);
        NS_TEST_ASSERT_MSG_EQ(empty.mean, 0, "no samples give zero statistics");
        NS_TEST_ASSERT_MSG_EQ(empty.ongoingFlows, 3, "on-going flows without samples");

        std::vector<double> single = {5.0};
        NS_TEST_ASSERT_MSG_EQ(InterpolatedPercentile(single, 90), 5.0, "percentile of one value");
    }
};

/**
 * \ingroup marl-lb-tests
 * Every reward index scores small load vectors as computed by hand.
 */
class RewardIndicesTestCase : public TestCase
{
  public:
    RewardIndicesTestCase()
        : TestCase("Reward indices match hand-computed values")
    {
    }

  private:
    void DoRun() override
    {
        struct Case
        {
            RewardFunction::Kind kind;
            std::vector<double> loads;
            double expected;
            const char* what;
        };
        const std::vector<Case> cases = {
            {RewardFunction::PRODUCT_FAIRNESS, {1, 2, 4}, 0.125, "product 1/4 * 2/4 * 1"},
            {RewardFunction::PRODUCT_FAIRNESS, {3, 3, 3}, 1.0, "equal loads are fair"},
            {RewardFunction::PRODUCT_FAIRNESS, {0, 0}, 1.0, "all zero counts as equal"},
            {RewardFunction::JAIN, {1, 2, 4}, 49.0 / 63.0, "Jain 7^2 / (3 * 21)"},
            {RewardFunction::JAIN, {2, 2}, 1.0, "Jain of equal loads"},
            {RewardFunction::NEGATIVE_VARIANCE, {1, 2, 4}, -14.0 / 9.0, "population variance"},
            {RewardFunction::EXP_NEGATIVE_VARIANCE,
             {0.01, 0.03},
             std::exp(-10000 * 0.0001),
             "exp(-10000 * 1e-4)"},
            {RewardFunction::NEGATIVE_MAX, {1, 2, 4}, -4.0, "minus the maximum"},
        };
        for (const auto& c : cases)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(RewardFunction::Evaluate(c.kind, c.loads),
                                      c.expected,
                                      1e-12,
                                      c.what);
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * The reward smooths loads over steps before scoring them.
 */
class RewardSmoothingTestCase : public TestCase
{
  public:
    RewardSmoothingTestCase()
        : TestCase("Reward blends two steps' loads with gamma before scoring")
    {
    }

  private:
    void DoRun() override
    {
        auto reward = CreateObject<RewardFunction>();
        reward->SetAttribute("Smoothing", DoubleValue(0.9));
        // The assertion macros evaluate their arguments more than once: step outside them.
        // First step: no smoothing, F(1, 2) = 0.5.
        double first = reward->Step({1, 2});
        NS_TEST_ASSERT_MSG_EQ_TOL(first, 0.5, 1e-12, "first step");
        // Second: s = 0.1 * (1, 2) + 0.9 * (2, 2) = (1.9, 2); F = 0.95.
        double second = reward->Step({2, 2});
        NS_TEST_ASSERT_MSG_EQ_TOL(second, 0.95, 1e-12, "second step");
        NS_TEST_ASSERT_MSG_EQ_TOL(reward->GetSmoothedLoads()[0], 1.9, 1e-12, "smoothed load");
        // Third: the blend uses the previous raw loads (2, 2), not the blended ones:
        // s = 0.1 * (2, 2) + 0.9 * (4, 2) = (3.8, 2); F = 2 / 3.8.
        double third = reward->Step({4, 2});
        NS_TEST_ASSERT_MSG_EQ_TOL(third, 2.0 / 3.8, 1e-12, "third step blends raw loads");
        reward->Reset();
        double afterReset = reward->Step({2, 4});
        NS_TEST_ASSERT_MSG_EQ_TOL(afterReset, 0.5, 1e-12, "after reset");

        reward->SetAttribute("Kind", EnumValue(RewardFunction::JAIN));
        reward->SetAttribute("Smoothing", DoubleValue(1.0));
        reward->Reset();
        reward->Step({1, 3});
        double unsmoothed = reward->Step({1, 1});
        NS_TEST_ASSERT_MSG_EQ_TOL(unsmoothed, 1.0, 1e-12, "gamma 1 keeps only the newest loads");
    }
};

/**
 * \ingroup marl-lb-tests
 * The data plane feeds later client ACKs of on-going flows into the server's reservoir.
 */
class DataPlaneSamplingTestCase : public TestCase
{
  public:
    DataPlaneSamplingTestCase()
        : TestCase("Later client ACKs give flow-duration samples")
    {
    }

  private:
    void DoRun() override
    {
        auto dataPlane = CreateObject<LbDataPlane>();
        dataPlane->AddServer(1, 1.0);
        dataPlane->AssignStreams(31);
        FlowKey key{0x0a010001, 0x0aff0001, 40000, 80, 6};
        dataPlane->ProcessPacket(key, LbDataPlane::TCP_SYN, Seconds(1));
        dataPlane->ProcessPacket(key, LbDataPlane::TCP_ACK, Seconds(1.001));
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetReservoir(0).GetFilled(), 0, "first ACK gives none");
        dataPlane->ProcessPacket(key, LbDataPlane::TCP_ACK, Seconds(1.5));
        dataPlane->ProcessPacket(key, LbDataPlane::TCP_ACK, Seconds(3));
        auto samples = dataPlane->GetReservoir(0).GetSamples();
        NS_TEST_ASSERT_MSG_GT_OR_EQ(samples.size(), 1, "later ACKs give samples");
        double largest = 0;
        for (const auto& sample : samples)
        {
            largest = std::max(largest, sample.value);
        }
        // Samples of 0.5 s and 2 s; if both drew one slot, the later one stays.
        NS_TEST_ASSERT_MSG_EQ_TOL(largest, 2.0, 1e-9, "the 3 s ACK's duration since the SYN");
        dataPlane->ProcessPacket(key, LbDataPlane::TCP_RST | LbDataPlane::TCP_ACK, Seconds(4));
        uint32_t before = dataPlane->GetReservoir(0).GetFilled();
        NS_TEST_ASSERT_MSG_EQ(before, samples.size(), "RST gives no sample");

        auto features = dataPlane->GetFeatures(Seconds(3));
        NS_TEST_ASSERT_MSG_EQ(features.size(), 1, "one feature set per server");
        NS_TEST_ASSERT_MSG_GT(features[0].mean, 0.4, "mean flow duration from the samples");
        dataPlane->Dispose();
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of the passive features and rewards.
 */
class FeaturesTestSuite : public TestSuite
{
  public:
    FeaturesTestSuite()
        : TestSuite("marl-lb-features", UNIT)
    {
        AddTestCase(new ReservoirAgeTestCase, TestCase::QUICK);
        AddTestCase(new ReservoirKeepProbabilityTestCase, TestCase::QUICK);
        AddTestCase(new ServerFeaturesTestCase, TestCase::QUICK);
        AddTestCase(new RewardIndicesTestCase, TestCase::QUICK);
        AddTestCase(new RewardSmoothingTestCase, TestCase::QUICK);
        AddTestCase(new DataPlaneSamplingTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static FeaturesTestSuite g_featuresTestSuite;
