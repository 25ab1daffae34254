/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Tests of the dispatch policies added to ECMP and SED: the alias method behind WCMP, LSQ's
// choices, the lag of weights behind the data plane's tick, and the heuristics' ordering on
// the moderate testbed.

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/marl-lb-module.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/test.h"

#include <map>

using namespace ns3;

/**
 * \ingroup marl-lb-tests
 * 100,000 alias-method draws match the weights (chi-square test).
 */
class AliasChiSquareTestCase : public TestCase
{
  public:
    AliasChiSquareTestCase()
        : TestCase("Alias method: 100,000 draws match the weights")
    {
    }

  private:
    void DoRun() override
    {
        const std::vector<double> weights = {2, 2, 2, 2, 4, 4, 4, 0.5};
        AliasTable table;
        NS_TEST_ASSERT_MSG_EQ(table.Build(weights), true, "weights accepted");
        double sum = 0;
        for (double weight : weights)
        {
            sum += weight;
        }
        auto probabilities = table.GetProbabilities();
        for (std::size_t i = 0; i < weights.size(); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(probabilities[i],
                                      weights[i] / sum,
                                      1e-12,
                                      "exact share " << i);
        }

        auto random = CreateObject<UniformRandomVariable>();
        random->SetStream(41);
        const uint32_t draws = 100000;
        std::vector<uint32_t> counts(weights.size(), 0);
        for (uint32_t d = 0; d < draws; ++d)
        {
            uint32_t column = random->GetInteger(0, table.GetSize() - 1);
            counts[table.Sample(column, random->GetValue())]++;
        }
        double chiSquare = 0;
        for (std::size_t i = 0; i < weights.size(); ++i)
        {
            double expected = draws * weights[i] / sum;
            chiSquare += (counts[i] - expected) * (counts[i] - expected) / expected;
        }
        // 7 degrees of freedom: the 99.9 % quantile of chi-square is 24.32.
        NS_TEST_ASSERT_MSG_LT(chiSquare, 24.32, "chi-square statistic of the draws");

        NS_TEST_ASSERT_MSG_EQ(table.Build({}), false, "no weights rejected");
        NS_TEST_ASSERT_MSG_EQ(table.Build({0, 0}), false, "zero sum rejected");
        NS_TEST_ASSERT_MSG_EQ(table.Build({1, -1}), false, "negative weight rejected");
    }
};

/**
 * \ingroup marl-lb-tests
 * WCMP's choices follow the weights in effect, and change when the weights do.
 */
class WcmpSharesTestCase : public TestCase
{
  public:
    WcmpSharesTestCase()
        : TestCase("WCMP spreads flows in proportion to the weights in effect")
    {
    }

  private:
    void DoRun() override
    {
        auto dataPlane = CreateObject<LbDataPlane>();
        dataPlane->SetAttribute("Policy", TypeIdValue(WcmpPolicy::GetTypeId()));
        dataPlane->SetAttribute("WeightUpdateInterval", TimeValue(Seconds(0)));
        dataPlane->AddServer(1, 1.0);
        dataPlane->AddServer(2, 3.0);
        dataPlane->AssignStreams(51);
        auto shareOfSecond = [&dataPlane](uint16_t firstPort) {
            uint32_t second = 0;
            for (uint16_t port = firstPort; port < firstPort + 20000; ++port)
            {
                FlowKey key{0x0a010001, 0x0aff0001, port, 80, 6};
                second += dataPlane->ProcessPacket(key, LbDataPlane::TCP_SYN, Seconds(1)) == 1;
            }
            return second / 20000.0;
        };
        NS_TEST_ASSERT_MSG_EQ_TOL(shareOfSecond(1000), 0.75, 0.01, "weights 1:3");
        dataPlane->SetWeight(1, 1.0);
        NS_TEST_ASSERT_MSG_EQ_TOL(shareOfSecond(30000), 0.5, 0.01, "weights 1:1 after a change");
        dataPlane->Dispose();
    }
};

/**
 * \ingroup marl-lb-tests
 * LSQ picks the fewest on-going flows whatever the weights, with each tie-break rule.
 */
class LsqChoicesTestCase : public TestCase
{
  public:
    LsqChoicesTestCase()
        : TestCase("LSQ picks the fewest flows, each tie-break rule included")
    {
    }

  private:
    void DoRun() override
    {
        auto state = [](std::vector<uint32_t> flows, std::vector<double> weights) {
            std::vector<ServerState> servers(flows.size());
            for (std::size_t i = 0; i < flows.size(); ++i)
            {
                servers[i].ongoingFlows = flows[i];
                servers[i].weight = weights[i];
            }
            return servers;
        };
        struct Case
        {
            SedPolicy::TieBreak tieBreak;
            std::vector<uint32_t> flows;
            std::vector<double> weights;
            uint32_t proposed;
            uint32_t expected;
            const char* what;
        };
        const std::vector<Case> cases = {
            {SedPolicy::TIE_BREAK_FIRST, {3, 1, 2}, {1, 1, 1}, 0, 1, "single minimum"},
            {SedPolicy::TIE_BREAK_FIRST, {3, 1, 2}, {1, 8, 8}, 0, 1, "weights are ignored"},
            {SedPolicy::TIE_BREAK_FIRST, {2, 1, 1, 1}, {1, 1, 1, 1}, 2, 1, "first in list order"},
            {SedPolicy::TIE_BREAK_HASH_PROPOSED, {2, 1, 1, 1}, {1, 1, 1, 1}, 2, 2, "the proposed"},
            {SedPolicy::TIE_BREAK_HASH_PROPOSED, {2, 1, 3, 1}, {1, 1, 1, 1}, 2, 1, "first minimum"},
            {SedPolicy::TIE_BREAK_HASH_PROPOSED, {2, 1, 3, 1}, {1, 1, 1, 1}, 3, 3, "proposed kept"},
        };
        for (const auto& c : cases)
        {
            auto policy = CreateObject<LsqPolicy>();
            policy->SetAttribute("TieBreak", EnumValue(c.tieBreak));
            NS_TEST_ASSERT_MSG_EQ(
                policy->SelectServer(FlowKey{}, c.proposed, state(c.flows, c.weights)),
                c.expected,
                c.what);
        }

        auto random = CreateObject<LsqPolicy>();
        random->SetAttribute("TieBreak", EnumValue(SedPolicy::TIE_BREAK_RANDOM));
        random->AssignStreams(61);
        std::map<uint32_t, uint32_t> picks;
        for (int i = 0; i < 300; ++i)
        {
            picks[random->SelectServer(FlowKey{}, 0, state({2, 1, 5, 1}, {1, 1, 1, 1}))]++;
        }
        NS_TEST_ASSERT_MSG_EQ(picks.size(), 2, "random ties pick only among the minima");
        NS_TEST_ASSERT_MSG_GT(picks[1], 100, "server 1 picked often");
        NS_TEST_ASSERT_MSG_GT(picks[3], 100, "server 3 picked often");
        NS_TEST_ASSERT_MSG_EQ(random->GetName(), "LSQ", "name as the study prints it");
    }
};

/**
 * \ingroup marl-lb-tests
 * A weight written between two ticks is not used before the next tick.
 */
class WeightLagTestCase : public TestCase
{
  public:
    WeightLagTestCase()
        : TestCase("Weight lag: a weight takes effect at the next tick only")
    {
    }

  private:
    void DoRun() override
    {
        TestbedHelper helper;
        helper.SetLoadBalancerCount(1);
        helper.SetServerCpus({2, 2});
        helper.SetPolicy(SedPolicy::GetTypeId());
        Ptr<Testbed> testbed = helper.Build();
        Ptr<LbDataPlane> dataPlane = testbed->loadBalancerApps[0]->GetDataPlane();
        std::vector<std::pair<Time, double>> applied;
        dataPlane->TraceConnectWithoutContext(
            "WeightApplied",
            MakeCallback(+[](std::vector<std::pair<Time, double>>* log, uint32_t, double weight) {
                log->emplace_back(Simulator::Now(), weight);
            }).Bind(&applied));

        // Ticks fall every 200 ms from the load balancer's start at 0; write at 250 ms.
        double before = 0;
        double between = 0;
        double after = 0;
        Simulator::Schedule(MilliSeconds(250), [&]() {
            before = dataPlane->GetServers()[1].weight;
            dataPlane->SetWeight(1, 7.0);
        });
        Simulator::Schedule(MilliSeconds(399), [&]() {
            between = dataPlane->GetServers()[1].weight;
        });
        Simulator::Schedule(MilliSeconds(401), [&]() {
            after = dataPlane->GetServers()[1].weight;
        });
        Simulator::Stop(Seconds(1));
        Simulator::Run();
        Simulator::Destroy();

        NS_TEST_ASSERT_MSG_EQ(before, 2.0, "static weight before the write");
        NS_TEST_ASSERT_MSG_EQ(between, 2.0, "the written weight waits for the tick");
        NS_TEST_ASSERT_MSG_EQ(after, 7.0, "the tick at 400 ms applied it");
        NS_TEST_ASSERT_MSG_EQ(applied.size(), 1, "one weight applied");
        NS_TEST_ASSERT_MSG_EQ(applied[0].first, MilliSeconds(400), "at the tick");
    }
};

/**
 * \ingroup marl-lb-tests
 * On the moderate testbed at about 90 % load, ECMP is worst and SED beats WCMP.
 */
class HeuristicOrderingTestCase : public TestCase
{
  public:
    HeuristicOrderingTestCase()
        : TestCase("At about 90 % load ECMP is worst and SED beats WCMP")
    {
    }

  private:
    void DoRun() override
    {
        RequestTrace full = RequestTrace::ReadFile(std::string(MARL_LB_DATA_DIR)
                                                   + "/traces/poisson-for-loop-rate-400.csv");
        std::vector<TraceRequest> window;
        for (const auto& request : full.GetRequests())
        {
            if (request.time >= Seconds(10) && request.time < Seconds(30))
            {
                window.push_back({request.time - Seconds(10), request.url});
            }
        }
        RequestTrace trace(window, "rate-400, 10 s to 30 s");
        TestbedHelper helper = TestbedHelper::Moderate();
        Time cost = Seconds(0.9 * helper.GetTotalCpus()
                            / (trace.GetSize() / 20.0 * trace.GetMeanIterations()));
        helper.SetServerAttribute("IterationCost", TimeValue(cost));

        std::map<std::string, double> meanMs;
        for (const std::string policy :
             {"ns3::EcmpPolicy", "ns3::WcmpPolicy", "ns3::LsqPolicy", "ns3::SedPolicy"})
        {
            helper.SetPolicy(TypeId::LookupByName(policy));
            Ptr<Testbed> testbed = helper.Build();
            testbed->AssignStreams(1000);
            testbed->ReplayTrace(trace, Seconds(0), Seconds(30));
            Simulator::Stop(Seconds(30) + MilliSeconds(1));
            Simulator::Run();
            meanMs[policy] = JctSummary(testbed->CollectRecords()).GetMeanMs();
            Simulator::Destroy();
        }
        for (const std::string other : {"ns3::WcmpPolicy", "ns3::LsqPolicy", "ns3::SedPolicy"})
        {
            NS_TEST_ASSERT_MSG_GT(meanMs["ns3::EcmpPolicy"],
                                  meanMs[other],
                                  "ECMP mean JCT " << meanMs["ns3::EcmpPolicy"] << " ms vs "
                                                   << other << " " << meanMs[other] << " ms");
        }
        NS_TEST_ASSERT_MSG_LT(meanMs["ns3::SedPolicy"],
                              meanMs["ns3::WcmpPolicy"],
                              "SED " << meanMs["ns3::SedPolicy"] << " ms vs WCMP "
                                     << meanMs["ns3::WcmpPolicy"] << " ms");
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of the WCMP and LSQ policies and the weight-update tick.
 */
class PoliciesTestSuite : public TestSuite
{
  public:
    PoliciesTestSuite()
        : TestSuite("marl-lb-policies", UNIT)
    {
        AddTestCase(new AliasChiSquareTestCase, TestCase::QUICK);
        AddTestCase(new WcmpSharesTestCase, TestCase::QUICK);
        AddTestCase(new LsqChoicesTestCase, TestCase::QUICK);
        AddTestCase(new WeightLagTestCase, TestCase::QUICK);
        AddTestCase(new HeuristicOrderingTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static PoliciesTestSuite g_policiesTestSuite;
