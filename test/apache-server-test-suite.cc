/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Tests of the Apache-like server on a small testbed: the time a request takes on an idle
// server, processor sharing among workers, and the two behaviours of a full accept queue.

#include "ns3/boolean.h"
#include "ns3/marl-lb-module.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

using namespace ns3;

namespace
{

/// CPU time per for-loop iteration in these tests, so that n = 2,000,000 is 100 ms of work.
const Time ITERATION_COST = NanoSeconds(50);
/// Propagation delay of every link.
const Time LINK_DELAY = MicroSeconds(25);

/**
 * Builds a testbed of one client, one load balancer and one server, replays requests and
 * returns their records.
 * \param requests the requests to replay
 * \param cpus the server's CPUs
 * \param configure called with the helper before Build(), to set server attributes
 * \param stop when the client stops
 * \param server [out] receives the server's served-request count
 * \return the records, in trace order
 */
template<typename Configure>
std::vector<RequestRecord>
RunSingleServer(const std::vector<TraceRequest>& requests,
                uint32_t cpus,
                Configure configure,
                Time stop,
                uint64_t* served = nullptr)
{
    TestbedHelper helper;
    helper.SetLoadBalancerCount(1);
    helper.SetServerCpus({cpus});
    helper.SetLinkDelay(LINK_DELAY);
    helper.SetServerAttribute("IterationCost", TimeValue(ITERATION_COST));
    configure(helper);
    Ptr<Testbed> testbed = helper.Build();
    testbed->ReplayTrace(RequestTrace(requests, "test"), Seconds(0), stop);
    Simulator::Stop(stop + MilliSeconds(1));
    Simulator::Run();
    std::vector<RequestRecord> records = testbed->CollectRecords();
    if (served)
    {
        *served = testbed->serverApps[0]->GetServedRequests();
    }
    Simulator::Destroy();
    return records;
}

/// URL of a for-loop request with the given CPU time at ITERATION_COST.
std::string
ForLoopUrl(Time work)
{
    return "/dummy.php/?n="
         + std::to_string(work.GetNanoSeconds() / ITERATION_COST.GetNanoSeconds());
}

} // namespace

/**
 * \ingroup marl-lb-tests
 * A request on an idle server takes its CPU time plus the network's delays.
 */
class IdleServerJctTestCase : public TestCase
{
  public:
    IdleServerJctTestCase()
        : TestCase("Idle server: JCT is the work plus the network delay")
    {
    }

  private:
    void DoRun() override
    {
        const Time work = MilliSeconds(100);
        auto records = RunSingleServer(
            {{Seconds(0), ForLoopUrl(work)}},
            2,
            [](TestbedHelper&) {},
            Seconds(2));
        NS_TEST_ASSERT_MSG_EQ(records.size(), 1, "one request was replayed");
        NS_TEST_ASSERT_MSG_EQ(RequestOutcomeName(records[0].outcome),
                              "completed",
                              "the request completed");
        // SYN: client, router, LB, router, server (4 links); SYN-ACK: server, router, client
        // (2); request: 4 links; response: 2 links. Transmission at 10 Gbps adds about a
        // microsecond per segment and hop.
        Time network = LINK_DELAY * 12;
        Time jct = records[0].GetJct();
        NS_TEST_ASSERT_MSG_GT_OR_EQ(jct,
                                    work + network,
                                    "JCT is at least work plus 12 link delays");
        NS_TEST_ASSERT_MSG_LT(jct,
                              work + network + MicroSeconds(100),
                              "JCT exceeds work plus network delay by at most 100 us");
        uint64_t expectedBody = ForLoopResponseBytes(2000000);
        NS_TEST_ASSERT_MSG_GT(records[0].bytes, expectedBody, "response holds body and header");
        NS_TEST_ASSERT_MSG_LT(records[0].bytes, expectedBody + 200, "header is below 200 bytes");
        NS_TEST_ASSERT_MSG_EQ(records[0].httpStatus, 200, "status 200");
    }
};

/**
 * \ingroup marl-lb-tests
 * Workers share the CPUs: four 100 ms requests on two CPUs all take about 200 ms.
 */
class ProcessorSharingTestCase : public TestCase
{
  public:
    ProcessorSharingTestCase()
        : TestCase("Four 100 ms requests on a 2-CPU server finish at about 200 ms")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<TraceRequest> requests(4, {Seconds(0), ForLoopUrl(MilliSeconds(100))});
        auto records = RunSingleServer(
            requests,
            2,
            [](TestbedHelper&) {},
            Seconds(2));
        NS_TEST_ASSERT_MSG_EQ(records.size(), 4, "four requests were replayed");
        for (const auto& record : records)
        {
            NS_TEST_ASSERT_MSG_EQ(RequestOutcomeName(record.outcome),
                                  "completed",
                                  "request " << record.index << " completed");
            NS_TEST_ASSERT_MSG_EQ_TOL(record.GetJct().GetSeconds(),
                                      0.200,
                                      0.001,
                                      "request " << record.index
                                                 << " shared two CPUs with three others");
        }

        // One request alone on the same server takes 100 ms: the slowdown is the sharing.
        auto alone = RunSingleServer(
            {requests[0]},
            2,
            [](TestbedHelper&) {},
            Seconds(2));
        NS_TEST_ASSERT_MSG_EQ_TOL(alone[0].GetJct().GetSeconds(),
                                  0.100,
                                  0.001,
                                  "a request alone gets a whole core");
    }
};

/**
 * \ingroup marl-lb-tests
 * A full accept queue resets the connection with AbortOnOverflow, and delays it without.
 */
class BacklogOverflowTestCase : public TestCase
{
  public:
    BacklogOverflowTestCase()
        : TestCase("Backlog overflow: reset with abort-on-overflow, delay without")
    {
    }

  private:
    void DoRun() override
    {
        // One worker and a backlog of one: the first request is served, the second waits,
        // the third finds the queue full. The gaps let each connection settle first.
        const Time work = MilliSeconds(100);
        std::vector<TraceRequest> requests = {{MilliSeconds(0), ForLoopUrl(work)},
                                              {MilliSeconds(5), ForLoopUrl(work)},
                                              {MilliSeconds(10), ForLoopUrl(work)}};
        auto configure = [](bool abort) {
            return [abort](TestbedHelper& helper) {
                helper.SetServerAttribute("MaxWorkers", UintegerValue(1));
                helper.SetServerAttribute("Backlog", UintegerValue(1));
                helper.SetServerAttribute("AbortOnOverflow", BooleanValue(abort));
            };
        };

        uint64_t served = 0;
        auto reset = RunSingleServer(requests, 2, configure(true), Seconds(5), &served);
        NS_TEST_ASSERT_MSG_EQ(RequestOutcomeName(reset[0].outcome), "completed", "first served");
        NS_TEST_ASSERT_MSG_EQ_TOL(reset[0].GetJct().GetSeconds(), 0.100, 0.002, "first at once");
        NS_TEST_ASSERT_MSG_EQ(RequestOutcomeName(reset[1].outcome), "completed", "second queued");
        NS_TEST_ASSERT_MSG_EQ_TOL(reset[1].GetJct().GetSeconds(),
                                  0.195,
                                  0.002,
                                  "second waits for the first, then computes");
        NS_TEST_ASSERT_MSG_EQ(RequestOutcomeName(reset[2].outcome), "reset", "third reset");
        NS_TEST_ASSERT_MSG_LT(reset[2].GetJct(), MilliSeconds(2), "the reset comes at once");
        NS_TEST_ASSERT_MSG_EQ(served, 2, "the server wrote two responses");

        auto delayed = RunSingleServer(requests, 2, configure(false), Seconds(5), &served);
        NS_TEST_ASSERT_MSG_EQ(RequestOutcomeName(delayed[2].outcome),
                              "completed",
                              "without abort-on-overflow the third request succeeds");
        // The ignored SYN is retransmitted after the client's 1 s SYN timeout. The server is
        // idle by then, so the request then takes its 100 ms.
        NS_TEST_ASSERT_MSG_EQ_TOL(delayed[2].GetJct().GetSeconds(),
                                  1.100,
                                  0.002,
                                  "third request is delayed by one SYN timeout");
        NS_TEST_ASSERT_MSG_EQ(served, 3, "the server wrote three responses");
    }
};

/**
 * \ingroup marl-lb-tests
 * Busy-worker and backlog trace sources follow the server's state.
 */
class ServerTraceSourcesTestCase : public TestCase
{
  public:
    ServerTraceSourcesTestCase()
        : TestCase("BusyWorkers and BacklogLength trace the server's state")
    {
    }

  private:
    void DoRun() override
    {
        TestbedHelper helper;
        helper.SetLoadBalancerCount(1);
        helper.SetServerCpus({1});
        helper.SetServerAttribute("IterationCost", TimeValue(ITERATION_COST));
        helper.SetServerAttribute("MaxWorkers", UintegerValue(2));
        Ptr<Testbed> testbed = helper.Build();
        std::vector<TraceRequest> requests;
        for (int i = 0; i < 5; ++i)
        {
            requests.push_back({MilliSeconds(i), ForLoopUrl(MilliSeconds(50))});
        }
        testbed->ReplayTrace(RequestTrace(requests, "test"), Seconds(0), Seconds(2));
        uint32_t maxBusy = 0;
        uint32_t maxBacklog = 0;
        testbed->serverApps[0]->TraceConnectWithoutContext(
            "BusyWorkers",
            MakeCallback(+[](uint32_t* max, uint32_t, uint32_t now) {
                *max = std::max(*max, now);
            }).Bind(&maxBusy));
        testbed->serverApps[0]->TraceConnectWithoutContext(
            "BacklogLength",
            MakeCallback(+[](uint32_t* max, uint32_t, uint32_t now) {
                *max = std::max(*max, now);
            }).Bind(&maxBacklog));
        uint32_t busyAt20ms = 0;
        uint32_t backlogAt20ms = 0;
        Simulator::Schedule(MilliSeconds(20), [&]() {
            busyAt20ms = testbed->serverApps[0]->GetBusyWorkers();
            backlogAt20ms = testbed->serverApps[0]->GetBacklogLength();
        });
        Simulator::Stop(Seconds(2));
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(busyAt20ms, 2, "both workers busy at 20 ms");
        NS_TEST_ASSERT_MSG_EQ(backlogAt20ms, 3, "three connections wait at 20 ms");
        NS_TEST_ASSERT_MSG_EQ(maxBusy, 2, "never more busy workers than MaxWorkers");
        NS_TEST_ASSERT_MSG_EQ(maxBacklog, 3, "the backlog peaked at three");
        NS_TEST_ASSERT_MSG_EQ(testbed->serverApps[0]->GetBusyWorkers(), 0, "all workers free");
        NS_TEST_ASSERT_MSG_EQ(testbed->serverApps[0]->GetServedRequests(), 5, "five served");
        Simulator::Destroy();
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of the Apache-like server.
 */
class ApacheServerTestSuite : public TestSuite
{
  public:
    ApacheServerTestSuite()
        : TestSuite("marl-lb-apache-server", UNIT)
    {
        AddTestCase(new IdleServerJctTestCase, TestCase::QUICK);
        AddTestCase(new ProcessorSharingTestCase, TestCase::QUICK);
        AddTestCase(new BacklogOverflowTestCase, TestCase::QUICK);
        AddTestCase(new ServerTraceSourcesTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static ApacheServerTestSuite g_apacheServerTestSuite;
