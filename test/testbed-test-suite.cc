/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// System tests of the whole testbed: per-flow ECMP at the edge router, the direct server
// return path, the accounting of every replayed request, and the study's SED-versus-ECMP
// ordering at high load.

#include "ns3/ipv4-header.h"
#include "ns3/ipv4-l3-protocol.h"
#include "ns3/marl-lb-module.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <map>
#include <set>

using namespace ns3;

namespace
{

/// Path of a shipped trace.
std::string
ShippedTrace(const std::string& name)
{
    return std::string(MARL_LB_DATA_DIR) + "/traces/" + name;
}

/// Short requests: 1 ms of work each at 50 ns per iteration.
std::vector<TraceRequest>
ShortRequests(uint32_t count, Time gap)
{
    std::vector<TraceRequest> requests;
    for (uint32_t i = 0; i < count; ++i)
    {
        requests.push_back({gap * i, "/dummy.php/?n=20000"});
    }
    return requests;
}

} // namespace

/**
 * \ingroup marl-lb-tests
 * The edge router keeps each flow on one load balancer and spreads flows evenly.
 */
class EdgeEcmpTestCase : public TestCase
{
  public:
    EdgeEcmpTestCase()
        : TestCase("Edge ECMP keeps each flow on one LB and spreads 1000 flows over 4")
    {
    }

  private:
    void DoRun() override
    {
        TestbedHelper helper;
        helper.SetLoadBalancerCount(4);
        helper.SetServerCpus({4, 4});
        helper.SetServerAttribute("IterationCost", TimeValue(NanoSeconds(50)));
        Ptr<Testbed> testbed = helper.Build();
        testbed->ReplayTrace(RequestTrace(ShortRequests(1000, MilliSeconds(2)), "test"),
                             Seconds(0),
                             Seconds(5));

        // Every packet that any load balancer tunnels, by flow.
        std::map<std::pair<uint32_t, uint16_t>, std::set<uint32_t>> balancersOfFlow;
        std::vector<uint64_t> packetsPerBalancer(4, 0);
        for (uint32_t l = 0; l < 4; ++l)
        {
            testbed->loadBalancerApps[l]->TraceConnectWithoutContext(
                "Forward",
                MakeCallback(+[](decltype(balancersOfFlow)* flows,
                                 std::vector<uint64_t>* packets,
                                 uint32_t balancer,
                                 const FlowKey& key,
                                 uint32_t) {
                    (*flows)[{key.sourceAddress, key.sourcePort}].insert(balancer);
                    (*packets)[balancer]++;
                }).Bind(&balancersOfFlow, &packetsPerBalancer, l));
        }
        Simulator::Stop(Seconds(5) + MilliSeconds(1));
        Simulator::Run();
        auto records = testbed->CollectRecords();
        Simulator::Destroy();

        uint32_t completed = 0;
        std::vector<uint32_t> flowsPerBalancer(4, 0);
        for (const auto& record : records)
        {
            completed += record.outcome == RequestOutcome::COMPLETED;
            NS_TEST_ASSERT_MSG_LT(record.loadBalancer,
                                  4,
                                  "request " << record.index << " has an LB");
            flowsPerBalancer[record.loadBalancer]++;
        }
        NS_TEST_ASSERT_MSG_EQ(completed, 1000, "every request completed");
        // Client ports repeat only after about 16,000 connections, so each key is one flow
        // here. Each flow sent SYN, ACK, request and RST, and all must cross one load balancer.
        NS_TEST_ASSERT_MSG_EQ(balancersOfFlow.size(), 1000, "1000 distinct flows tunnelled");
        for (const auto& [flow, balancers] : balancersOfFlow)
        {
            NS_TEST_ASSERT_MSG_EQ(balancers.size(),
                                  1,
                                  "flow from port " << flow.second << " crossed "
                                                    << balancers.size() << " load balancers");
        }
        uint64_t packets = 0;
        for (uint32_t l = 0; l < 4; ++l)
        {
            packets += packetsPerBalancer[l];
            NS_TEST_ASSERT_MSG_LT_OR_EQ(flowsPerBalancer[l],
                                        350,
                                        "LB " << l << " took " << flowsPerBalancer[l]
                                              << " of 1000 flows, above 35 %");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(flowsPerBalancer[l],
                                        150,
                                        "LB " << l << " took only " << flowsPerBalancer[l]
                                              << " of 1000 flows");
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(packets, 4000, "at least SYN, ACK, GET and RST per flow");
    }
};

/**
 * \ingroup marl-lb-tests
 * Servers reply from the VIP straight to the client, and load balancers carry one direction.
 */
class DirectServerReturnTestCase : public TestCase
{
  public:
    DirectServerReturnTestCase()
        : TestCase("Replies come from the VIP and bypass the load balancers")
    {
    }

  private:
    void DoRun() override
    {
        TestbedHelper helper;
        helper.SetLoadBalancerCount(2);
        helper.SetServerCpus({2, 4});
        helper.SetServerAttribute("IterationCost", TimeValue(NanoSeconds(50)));
        Ptr<Testbed> testbed = helper.Build();
        testbed->ReplayTrace(RequestTrace(ShortRequests(50, MilliSeconds(10)), "test"),
                             Seconds(0),
                             Seconds(2));

        // Sources of the packets the client receives.
        std::map<uint32_t, uint64_t> sources;
        testbed->clients.Get(0)->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
            "Rx",
            MakeCallback(+[](std::map<uint32_t, uint64_t>* seen,
                             Ptr<const Packet> packet,
                             Ptr<Ipv4>,
                             uint32_t) {
                Ipv4Header header;
                packet->PeekHeader(header);
                (*seen)[header.GetSource().Get()]++;
            }).Bind(&sources));
        // Packets that arrive at the load balancers' IPv4 layer.
        uint64_t atBalancers = 0;
        for (uint32_t l = 0; l < 2; ++l)
        {
            testbed->loadBalancers.Get(l)->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
                "Rx",
                MakeCallback(+[](uint64_t* count, Ptr<const Packet>, Ptr<Ipv4>, uint32_t) {
                    (*count)++;
                }).Bind(&atBalancers));
        }
        Simulator::Stop(Seconds(2) + MilliSeconds(1));
        Simulator::Run();
        uint64_t forwarded = testbed->loadBalancerApps[0]->GetForwardedPackets()
                           + testbed->loadBalancerApps[1]->GetForwardedPackets();
        uint64_t decapsulated = testbed->greEndpoints[0]->GetDecapsulatedPackets()
                              + testbed->greEndpoints[1]->GetDecapsulatedPackets();
        auto records = testbed->CollectRecords();
        Simulator::Destroy();

        NS_TEST_ASSERT_MSG_EQ(JctSummary(records).GetCompleted(), 50, "every request completed");
        NS_TEST_ASSERT_MSG_EQ(sources.size(), 1, "the client hears from one address only");
        NS_TEST_ASSERT_MSG_EQ(sources.count(Ipv4Address("10.255.0.1").Get()),
                              1,
                              "that address is the VIP");
        NS_TEST_ASSERT_MSG_EQ(atBalancers,
                              forwarded,
                              "every packet at an LB was a client packet "
                              "it tunnelled: no reply crossed an LB");
        NS_TEST_ASSERT_MSG_EQ(decapsulated, forwarded, "servers decapsulated every GRE packet");
    }
};

/**
 * \ingroup marl-lb-tests
 * Every request of a replay is recorded exactly once, and the flow tables see every flow
 * start and end.
 */
class ReplayAccountingTestCase : public TestCase
{
  public:
    ReplayAccountingTestCase()
        : TestCase("No request is lost or counted twice over a 10 s replay")
    {
    }

  private:
    void DoRun() override
    {
        RequestTrace trace = RequestTrace::ReadFile(ShippedTrace("poisson-for-loop-rate-400.csv"))
                                 .Truncate(Seconds(10));
        TestbedHelper helper = TestbedHelper::Moderate();
        helper.SetPolicy(SedPolicy::GetTypeId());
        helper.SetServerAttribute("IterationCost", TimeValue(NanoSeconds(12)));
        Ptr<Testbed> testbed = helper.Build();
        testbed->ReplayTrace(trace, Seconds(0), Seconds(20));

        uint64_t selected = 0;
        uint64_t ended = 0;
        for (const auto& loadBalancer : testbed->loadBalancerApps)
        {
            loadBalancer->GetDataPlane()->TraceConnectWithoutContext(
                "ServerSelected",
                MakeCallback(+[](uint64_t* count, const FlowKey&, uint32_t, bool) {
                    (*count)++;
                }).Bind(&selected));
            loadBalancer->GetDataPlane()->TraceConnectWithoutContext(
                "FlowEnded",
                MakeCallback(+[](uint64_t* count, const FlowKey&, uint32_t, Time, int) {
                    (*count)++;
                }).Bind(&ended));
        }
        Simulator::Stop(Seconds(20) + MilliSeconds(1));
        Simulator::Run();

        auto records = testbed->CollectRecords();
        uint64_t served = 0;
        for (const auto& server : testbed->serverApps)
        {
            served += server->GetServedRequests();
        }
        std::size_t flowsLeft = 0;
        for (const auto& loadBalancer : testbed->loadBalancerApps)
        {
            flowsLeft += loadBalancer->GetDataPlane()->GetFlowCount();
        }
        Simulator::Destroy();

        NS_TEST_ASSERT_MSG_EQ(records.size(), trace.GetSize(), "one record per trace request");
        std::set<uint64_t> indices;
        for (const auto& record : records)
        {
            indices.insert(record.index);
            NS_TEST_ASSERT_MSG_EQ(record.url,
                                  trace.GetRequests()[record.index].url,
                                  "record " << record.index << " is its trace request");
            NS_TEST_ASSERT_MSG_NE(record.server,
                                  RequestRecord::UNKNOWN,
                                  "record " << record.index << " knows its server");
        }
        NS_TEST_ASSERT_MSG_EQ(indices.size(), trace.GetSize(), "no request recorded twice");
        JctSummary summary(records);
        NS_TEST_ASSERT_MSG_EQ(summary.GetCompleted() + summary.GetFailed(),
                              trace.GetSize(),
                              "completed and failed add up to the requests");
        NS_TEST_ASSERT_MSG_EQ(summary.GetCompleted(), trace.GetSize(), "all complete at this load");
        NS_TEST_ASSERT_MSG_EQ(served, summary.GetCompleted(), "each completed request served once");
        NS_TEST_ASSERT_MSG_EQ(selected, trace.GetSize(), "the LBs saw each flow start once");
        NS_TEST_ASSERT_MSG_EQ(ended, trace.GetSize(), "the LBs saw each flow end once");
        NS_TEST_ASSERT_MSG_EQ(flowsLeft, 0, "no entry is left in the flow tables");
    }
};

/**
 * \ingroup marl-lb-tests
 * At about 90 % load on the moderate testbed, SED's mean JCT beats ECMP's.
 */
class SedBeatsEcmpTestCase : public TestCase
{
  public:
    SedBeatsEcmpTestCase()
        : TestCase("SED beats ECMP on the moderate testbed at about 90 % load")
    {
    }

  private:
    void DoRun() override
    {
        // 10 s to 30 s of the trace, past its first 10 s at half rate: about 400 requests/s.
        RequestTrace full = RequestTrace::ReadFile(ShippedTrace("poisson-for-loop-rate-400.csv"));
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
        double rate = trace.GetSize() / 20.0;
        Time cost = Seconds(0.9 * helper.GetTotalCpus() / (rate * trace.GetMeanIterations()));

        std::map<std::string, JctSummary> results;
        for (const std::string policy : {"ns3::EcmpPolicy", "ns3::SedPolicy"})
        {
            helper.SetPolicy(TypeId::LookupByName(policy));
            helper.SetServerAttribute("IterationCost", TimeValue(cost));
            Ptr<Testbed> testbed = helper.Build();
            testbed->ReplayTrace(trace, Seconds(0), Seconds(30));
            Simulator::Stop(Seconds(30) + MilliSeconds(1));
            Simulator::Run();
            results.emplace(policy, JctSummary(testbed->CollectRecords()));
            Simulator::Destroy();
        }
        const JctSummary& ecmp = results.at("ns3::EcmpPolicy");
        const JctSummary& sed = results.at("ns3::SedPolicy");
        NS_TEST_ASSERT_MSG_GT(sed.GetCompleted(),
                              0.99 * trace.GetSize(),
                              "SED completes nearly all");
        NS_TEST_ASSERT_MSG_LT(sed.GetMeanMs(),
                              ecmp.GetMeanMs(),
                              "SED mean JCT " << sed.GetMeanMs() << " ms vs ECMP "
                                              << ecmp.GetMeanMs() << " ms");
        NS_TEST_ASSERT_MSG_LT(sed.GetPercentileMs(90),
                              ecmp.GetPercentileMs(90),
                              "SED p90 " << sed.GetPercentileMs(90) << " ms vs ECMP "
                                         << ecmp.GetPercentileMs(90) << " ms");
        NS_TEST_ASSERT_MSG_LT_OR_EQ(sed.GetFailed(),
                                    ecmp.GetFailed(),
                                    "SED fails no more than ECMP");
    }
};

/**
 * \ingroup marl-lb-tests
 * A server's GRE endpoint counts and drops malformed GRE packets and keeps serving.
 */
class MalformedGreTestCase : public TestCase
{
  public:
    MalformedGreTestCase()
        : TestCase("GRE endpoint drops malformed packets and keeps serving")
    {
    }

  private:
    void DoRun() override
    {
        TestbedHelper helper;
        helper.SetLoadBalancerCount(1);
        helper.SetServerCpus({2});
        helper.SetServerAttribute("IterationCost", TimeValue(NanoSeconds(50)));
        Ptr<Testbed> testbed = helper.Build();
        testbed->ReplayTrace(RequestTrace(ShortRequests(20, MilliSeconds(50)), "test"),
                             Seconds(0),
                             Seconds(2));

        // From the load balancer node, as if its data plane were broken: raw GRE payloads.
        Ptr<Ipv4> ipv4 = testbed->loadBalancers.Get(0)->GetObject<Ipv4>();
        Ipv4Address source = ipv4->GetAddress(1, 0).GetLocal();
        Ipv4Address server = testbed->serverAddresses[0];
        struct Garbage
        {
            std::vector<uint8_t> bytes;
            GreL4Protocol::DropReason reason;
        };
        std::vector<uint8_t> inner(20, 0);
        auto withInner = [&inner](std::vector<uint8_t> gre) {
            gre.insert(gre.end(), inner.begin(), inner.end());
            return gre;
        };
        const std::vector<Garbage> garbage = {
            {{0x00, 0x00}, GreL4Protocol::DROP_TRUNCATED},
            {{0x00, 0x00, 0x08, 0x00, 0x45}, GreL4Protocol::DROP_TRUNCATED},
            {withInner({0x00, 0x01, 0x08, 0x00}), GreL4Protocol::DROP_BAD_HEADER},
            {withInner({0x04, 0x00, 0x08, 0x00}), GreL4Protocol::DROP_BAD_HEADER},
            {withInner({0x00, 0x00, 0x86, 0xdd}), GreL4Protocol::DROP_NOT_IPV4},
        };
        for (std::size_t i = 0; i < garbage.size(); ++i)
        {
            Simulator::Schedule(MilliSeconds(100 + 10 * i), [ipv4, source, server, &garbage, i]() {
                ipv4->Send(Create<Packet>(garbage[i].bytes.data(), garbage[i].bytes.size()),
                           source,
                           server,
                           GreHeader::IP_PROTOCOL_NUMBER,
                           nullptr);
            });
        }
        Simulator::Stop(Seconds(2) + MilliSeconds(1));
        Simulator::Run();
        Ptr<GreL4Protocol> endpoint = testbed->greEndpoints[0];
        uint64_t truncated = endpoint->GetDroppedPackets(GreL4Protocol::DROP_TRUNCATED);
        uint64_t badHeader = endpoint->GetDroppedPackets(GreL4Protocol::DROP_BAD_HEADER);
        uint64_t notIpv4 = endpoint->GetDroppedPackets(GreL4Protocol::DROP_NOT_IPV4);
        auto records = testbed->CollectRecords();
        Simulator::Destroy();

        NS_TEST_ASSERT_MSG_EQ(truncated, 2, "two truncated packets dropped");
        NS_TEST_ASSERT_MSG_EQ(badHeader, 2, "bad version and reserved bits dropped");
        NS_TEST_ASSERT_MSG_EQ(notIpv4, 1, "an IPv6 payload dropped");
        NS_TEST_ASSERT_MSG_EQ(JctSummary(records).GetCompleted(), 20, "the server kept serving");
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of the whole testbed.
 */
class TestbedTestSuite : public TestSuite
{
  public:
    TestbedTestSuite()
        : TestSuite("marl-lb-testbed", SYSTEM)
    {
        AddTestCase(new EdgeEcmpTestCase, TestCase::QUICK);
        AddTestCase(new DirectServerReturnTestCase, TestCase::QUICK);
        AddTestCase(new ReplayAccountingTestCase, TestCase::QUICK);
        AddTestCase(new MalformedGreTestCase, TestCase::QUICK);
        AddTestCase(new SedBeatsEcmpTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static TestbedTestSuite g_testbedTestSuite;
