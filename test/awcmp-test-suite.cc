/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Tests of AWCMP's busy-worker probing over TCP on the testbed. The probe reports each
// server's true busy workers, and the load balancer's weights follow staticWeight / (busy + 1).
// Probes cross the simulated network without touching the web service. Failed, closed and
// malformed status connections are counted while the probe keeps running.

#include "ns3/inet-socket-address.h"
#include "ns3/marl-lb-module.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <vector>

using namespace ns3;

namespace
{

/// Probe period in these tests, the AWCMP default.
const Time PROBE_INTERVAL = MilliSeconds(250);
/// Propagation delay of every link.
const Time LINK_DELAY = MicroSeconds(25);
/// Latest arrival of a reply after its probe tick: a round trip through the router, with room.
const Time MAX_REPLY_DELAY = MilliSeconds(1);
/// The probe's status port.
const uint16_t PROBE_PORT = 8081;
/// Relative tolerance of weight comparisons.
const double WEIGHT_TOL = 1e-9;

/// Changes of one server's busy workers as (time, new count), after an implicit (0, 0).
using BusyHistory = std::vector<std::pair<Time, uint32_t>>;

/// One reply that a probe parsed, as its BusyWorkers trace reported it.
struct Reply
{
    Time time;            //!< when the trace fired
    uint32_t server;      //!< the server's position in the pool
    uint32_t busyWorkers; //!< the reported count
    double weight;        //!< the server's weight in the data plane when the trace fired
};

/// One sample of a server's weight in the data plane.
struct WeightSample
{
    int64_t tick;    //!< index of the probe tick before the sample
    uint32_t server; //!< the server's position in the pool
    double weight;   //!< the weight in effect
};

/**
 * Lists the values that a busy-worker history takes during a time window.
 * \param history the server's changes
 * \param from start of the window
 * \param to end of the window
 * \return the value at from and every value set during (from, to]
 */
std::set<uint32_t>
ValuesDuring(const BusyHistory& history, Time from, Time to)
{
    std::set<uint32_t> values;
    uint32_t atStart = 0;
    for (const auto& [time, busy] : history)
    {
        if (time <= from)
        {
            atStart = busy;
        }
        else if (time <= to)
        {
            values.insert(busy);
        }
    }
    values.insert(atStart);
    return values;
}

/// \return the values as "{a, b, c}", for messages
std::string
Describe(const std::set<uint32_t>& values)
{
    std::ostringstream text;
    text << "{";
    for (auto it = values.begin(); it != values.end(); ++it)
    {
        text << (it == values.begin() ? "" : ", ") << *it;
    }
    text << "}";
    return text.str();
}

/// \return the index of the last probe tick at or before a time
int64_t
TickBefore(Time time)
{
    return time.GetNanoSeconds() / PROBE_INTERVAL.GetNanoSeconds();
}

/// \return the number of probe ticks from time zero up to and including stop
uint64_t
TicksUntil(Time stop)
{
    return static_cast<uint64_t>(TickBefore(stop)) + 1;
}

/// \return the URL of a for-loop request with this CPU time at 50 ns per iteration
std::string
ForLoopUrl(Time work)
{
    return "/dummy.php/?n=" + std::to_string(work.GetNanoSeconds() / 50);
}

/**
 * Long requests that keep two servers busy with counts that rise and fall: 20 requests,
 * one every 90 ms from 37 ms, alternately 0.3 s and 0.8 s of work. All are done before 6 s.
 * \return the requests
 */
std::vector<TraceRequest>
ChangingLoad()
{
    std::vector<TraceRequest> requests;
    for (int i = 0; i < 20; ++i)
    {
        Time work = (i % 2 == 0) ? MilliSeconds(300) : MilliSeconds(800);
        requests.push_back({MilliSeconds(37 + 90 * i), ForLoopUrl(work)});
    }
    return requests;
}

/**
 * Short requests: 1 ms of work each.
 * \param count number of requests
 * \param gap time between two requests
 * \return the requests
 */
std::vector<TraceRequest>
ShortRequests(uint32_t count, Time gap)
{
    std::vector<TraceRequest> requests;
    for (uint32_t i = 0; i < count; ++i)
    {
        requests.push_back({gap * i, ForLoopUrl(MilliSeconds(1))});
    }
    return requests;
}

/**
 * Prepares a testbed of one client and the given load balancers and servers, with a
 * busy-worker probe per load balancer.
 * \param loadBalancers number of load balancers
 * \param cpus CPUs of each server, also its static weight
 * \return the helper
 */
TestbedHelper
MakeProbedTestbed(uint32_t loadBalancers, const std::vector<uint32_t>& cpus)
{
    TestbedHelper helper;
    helper.SetLoadBalancerCount(loadBalancers);
    helper.SetServerCpus(cpus);
    helper.SetLinkDelay(LINK_DELAY);
    helper.SetServerAttribute("IterationCost", TimeValue(NanoSeconds(50)));
    helper.SetEnableBusyWorkerProbe(true);
    helper.SetBusyWorkerProbeAttribute("Interval", TimeValue(PROBE_INTERVAL));
    helper.SetBusyWorkerProbeAttribute("ProbePort", UintegerValue(PROBE_PORT));
    return helper;
}

/**
 * Sets the data plane's weight-update tick if the data plane has one. A data plane without
 * the tick applies weights at once, as a zero interval does.
 * \param helper the testbed helper
 * \param interval the tick's period
 */
void
SetWeightUpdateInterval(TestbedHelper& helper, Time interval)
{
    TypeId::AttributeInformation info;
    if (LbDataPlane::GetTypeId().LookupAttributeByName("WeightUpdateInterval", &info))
    {
        helper.SetDataPlaneAttribute("WeightUpdateInterval", TimeValue(interval));
    }
}

/**
 * Records every change of each server's busy workers.
 * \param testbed the testbed
 * \param histories [out] one history per server; must not be resized while the run lasts
 */
void
RecordBusyWorkers(Ptr<Testbed> testbed, std::vector<BusyHistory>* histories)
{
    histories->assign(testbed->serverApps.size(), BusyHistory());
    for (std::size_t s = 0; s < testbed->serverApps.size(); ++s)
    {
        testbed->serverApps[s]->TraceConnectWithoutContext(
            "BusyWorkers",
            MakeCallback(+[](BusyHistory* history, uint32_t, uint32_t busy) {
                history->push_back({Simulator::Now(), busy});
            }).Bind(&(*histories)[s]));
    }
}

/**
 * Records every reply that a load balancer's probe parses, with the weight it left.
 * \param testbed the testbed
 * \param loadBalancer the load balancer's index
 * \param replies [out] the replies, in time order
 */
void
RecordReplies(Ptr<Testbed> testbed, uint32_t loadBalancer, std::vector<Reply>* replies)
{
    LbDataPlane* dataPlane = PeekPointer(testbed->loadBalancerApps[loadBalancer]->GetDataPlane());
    testbed->probeApps[loadBalancer]->TraceConnectWithoutContext(
        "BusyWorkers",
        MakeCallback(+[](std::vector<Reply>* replies,
                         LbDataPlane* dataPlane,
                         uint32_t server,
                         uint32_t busy) {
            replies->push_back(
                {Simulator::Now(), server, busy, dataPlane->GetServers()[server].weight});
        }).Bind(replies, dataPlane));
}

/**
 * Samples the weights of load balancer 0 at a fixed offset after every probe tick.
 * \param testbed the testbed
 * \param offset time after each tick
 * \param stop no sample after this time
 * \param samples [out] the samples
 */
void
SampleWeights(Ptr<Testbed> testbed, Time offset, Time stop, std::vector<WeightSample>* samples)
{
    Ptr<LbDataPlane> dataPlane = testbed->loadBalancerApps[0]->GetDataPlane();
    for (int64_t tick = 0; PROBE_INTERVAL * tick + offset <= stop; ++tick)
    {
        Simulator::Schedule(PROBE_INTERVAL * tick + offset, [dataPlane, samples, tick]() {
            const auto& servers = dataPlane->GetServers();
            for (uint32_t s = 0; s < servers.size(); ++s)
            {
                samples->push_back({tick, s, servers[s].weight});
            }
        });
    }
}

/**
 * Status server that replies to each probe line with the next line of a script, so that
 * tests can send replies that ApacheServer never sends.
 */
class ScriptedStatusServer : public Application
{
  public:
    /**
     * Creates the server.
     * \param script the reply lines, without line feeds, used in turn and then from the start
     */
    explicit ScriptedStatusServer(const std::vector<std::string>& script)
        : m_script(script)
    {
    }

    /// \return the number of lines written
    uint64_t GetLinesSent() const
    {
        return m_next;
    }

  protected:
    void DoDispose() override
    {
        m_listener = nullptr;
        m_connections.clear();
        Application::DoDispose();
    }

  private:
    void StartApplication() override
    {
        m_listener = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), PROBE_PORT));
        m_listener->Listen();
        m_listener->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                      MakeCallback(&ScriptedStatusServer::HandleAccept, this));
    }

    void StopApplication() override
    {
        m_listener->Close();
    }

    /// Keeps a new connection and reads from it.
    void HandleAccept(Ptr<Socket> socket, const Address&)
    {
        m_connections.push_back(socket);
        socket->SetRecvCallback(MakeCallback(&ScriptedStatusServer::HandleRead, this));
    }

    /// Writes the next script line for each line feed received.
    void HandleRead(Ptr<Socket> socket)
    {
        Ptr<Packet> packet;
        while ((packet = socket->Recv()) && packet->GetSize() > 0)
        {
            std::string bytes(packet->GetSize(), '\0');
            packet->CopyData(reinterpret_cast<uint8_t*>(&bytes[0]), packet->GetSize());
            for (auto lines = std::count(bytes.begin(), bytes.end(), '\n'); lines > 0; --lines)
            {
                std::string reply = m_script[m_next % m_script.size()] + "\n";
                m_next++;
                socket->Send(reinterpret_cast<const uint8_t*>(reply.data()),
                             static_cast<uint32_t>(reply.size()),
                             0);
            }
        }
    }

    std::vector<std::string> m_script;      //!< reply lines
    uint64_t m_next{0};                     //!< lines written so far
    Ptr<Socket> m_listener;                 //!< listening socket
    std::vector<Ptr<Socket>> m_connections; //!< accepted connections
};

} // namespace

/**
 * \ingroup marl-lb-tests
 * Every reply of the probe carries the server's busy-worker count at the time it was probed.
 */
class BusyWorkersMatchServerTestCase : public TestCase
{
  public:
    BusyWorkersMatchServerTestCase()
        : TestCase("Probe reports each server's busy workers")
    {
    }

  private:
    void DoRun() override
    {
        const Time stop = Seconds(6.1);
        TestbedHelper helper = MakeProbedTestbed(1, {2, 4});
        Ptr<Testbed> testbed = helper.Build();
        std::vector<BusyHistory> histories;
        RecordBusyWorkers(testbed, &histories);
        std::vector<Reply> replies;
        RecordReplies(testbed, 0, &replies);
        testbed->ReplayTrace(RequestTrace(ChangingLoad(), "test"), Seconds(0), stop);
        Simulator::Stop(stop);
        Simulator::Run();
        Simulator::Destroy();

        for (uint32_t s = 0; s < 2; ++s)
        {
            std::set<int64_t> ticks;
            std::set<uint32_t> reported;
            uint32_t last = 0;
            for (const Reply& reply : replies)
            {
                if (reply.server != s)
                {
                    continue;
                }
                int64_t tick = TickBefore(reply.time);
                Time probed = PROBE_INTERVAL * tick;
                ticks.insert(tick);
                reported.insert(reply.busyWorkers);
                last = reply.busyWorkers;
                // The line and its reply each cross two links: LB, router, server.
                NS_TEST_ASSERT_MSG_GT_OR_EQ(reply.time - probed,
                                            LINK_DELAY * 4,
                                            "reply from server "
                                                << s << " at " << reply.time.As(Time::MS)
                                                << " came faster than a round trip");
                NS_TEST_ASSERT_MSG_LT_OR_EQ(reply.time - probed,
                                            MAX_REPLY_DELAY,
                                            "reply from server " << s << " at "
                                                                 << reply.time.As(Time::MS)
                                                                 << " came late after its tick");
                std::set<uint32_t> truth = ValuesDuring(histories[s], probed, reply.time);
                NS_TEST_ASSERT_MSG_EQ(truth.count(reply.busyWorkers),
                                      1,
                                      "server " << s << " reported " << reply.busyWorkers
                                                << " busy workers at " << reply.time.As(Time::MS)
                                                << ", but had " << Describe(truth)
                                                << " since the probe");
            }
            NS_TEST_ASSERT_MSG_EQ(ticks.size(),
                                  TicksUntil(stop),
                                  "server " << s << " answered once per tick");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(reported.size(),
                                        3,
                                        "the load on server " << s << " changed over the run");
            NS_TEST_ASSERT_MSG_GT_OR_EQ(*reported.rbegin(),
                                        2,
                                        "server " << s << " had several requests at once");
            NS_TEST_ASSERT_MSG_EQ(last, 0, "server " << s << " was idle at the last probe");
        }
        NS_TEST_ASSERT_MSG_EQ(replies.size(),
                              2 * TicksUntil(stop),
                              "one reply per server and tick");
    }
};

/**
 * \ingroup marl-lb-tests
 * The load balancer's weights follow staticWeight / (busy + 1) of the last probe, with or
 * without a weight-update tick in the data plane.
 */
class WeightFollowsBusyWorkersTestCase : public TestCase
{
  public:
    WeightFollowsBusyWorkersTestCase()
        : TestCase("Weights track busy workers")
    {
    }

  private:
    void DoRun() override
    {
        struct Case
        {
            Time weightUpdateInterval; //!< the data plane's tick; zero applies weights at once
            bool weightSetAtReply;     //!< the weight is in effect when the trace fires
        };

        // Samples fall 240 ms after each probe tick: after a weight-update tick of at most
        // 200 ms has applied the reply, and before the next probe.
        const Time sampleOffset = MilliSeconds(240);
        const Time stop = Seconds(6.1);
        for (const Case& c : {Case{Seconds(0), true}, Case{MilliSeconds(200), false}})
        {
            TestbedHelper helper = MakeProbedTestbed(1, {2, 4});
            SetWeightUpdateInterval(helper, c.weightUpdateInterval);
            Ptr<Testbed> testbed = helper.Build();
            std::vector<BusyHistory> histories;
            RecordBusyWorkers(testbed, &histories);
            std::vector<Reply> replies;
            RecordReplies(testbed, 0, &replies);
            std::vector<WeightSample> samples;
            SampleWeights(testbed, sampleOffset, stop, &samples);
            std::vector<double> staticWeights;
            for (const auto& server : testbed->loadBalancerApps[0]->GetDataPlane()->GetServers())
            {
                staticWeights.push_back(server.staticWeight);
            }
            testbed->ReplayTrace(RequestTrace(ChangingLoad(), "test"), Seconds(0), stop);
            Simulator::Stop(stop);
            Simulator::Run();
            Simulator::Destroy();

            std::string label =
                "tick " + std::to_string(c.weightUpdateInterval.GetMilliSeconds()) + " ms: ";
            NS_TEST_ASSERT_MSG_EQ(staticWeights.size(), 2, label << "two servers");
            NS_TEST_ASSERT_MSG_EQ_TOL(staticWeights[0], 2.0, WEIGHT_TOL, label << "weight is CPUs");
            NS_TEST_ASSERT_MSG_EQ_TOL(staticWeights[1], 4.0, WEIGHT_TOL, label << "weight is CPUs");

            std::vector<bool> lowered(2, false);
            for (const WeightSample& sample : samples)
            {
                Time probed = PROBE_INTERVAL * sample.tick;
                std::set<uint32_t> truth =
                    ValuesDuring(histories[sample.server], probed, probed + MAX_REPLY_DELAY);
                double staticWeight = staticWeights[sample.server];
                bool matches = std::any_of(truth.begin(), truth.end(), [&](uint32_t busy) {
                    return std::abs(sample.weight * (busy + 1) - staticWeight)
                        <= WEIGHT_TOL * staticWeight;
                });
                NS_TEST_ASSERT_MSG_EQ(matches,
                                      true,
                                      label << "server " << sample.server << " had weight "
                                            << sample.weight << " after tick " << sample.tick
                                            << ", but " << Describe(truth)
                                            << " busy workers when probed");
                lowered[sample.server] = lowered[sample.server] || sample.weight < staticWeight;
            }
            NS_TEST_ASSERT_MSG_EQ(samples.size(),
                                  2 * TicksUntil(stop - sampleOffset),
                                  label << "samples");
            for (uint32_t s = 0; s < 2; ++s)
            {
                NS_TEST_ASSERT_MSG_EQ(lowered[s],
                                      true,
                                      label << "server " << s << "'s weight dropped under load");
                NS_TEST_ASSERT_MSG_EQ_TOL(samples[samples.size() - 2 + s].weight,
                                          staticWeights[s],
                                          WEIGHT_TOL,
                                          label << "server " << s
                                                << " is back to its static weight when idle");
            }

            if (!c.weightSetAtReply)
            {
                continue;
            }
            NS_TEST_ASSERT_MSG_EQ(replies.empty(), false, label << "the probe got replies");
            for (const Reply& reply : replies)
            {
                NS_TEST_ASSERT_MSG_EQ_TOL(reply.weight,
                                          staticWeights[reply.server] / (reply.busyWorkers + 1),
                                          WEIGHT_TOL,
                                          label << "weight of server " << reply.server << " at "
                                                << reply.time.As(Time::MS)
                                                << " right after its reply");
            }
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Probes travel over the simulated network, one connection per load balancer and server,
 * and leave the web service's counts unchanged.
 */
class ProbesCrossNetworkTestCase : public TestCase
{
  public:
    ProbesCrossNetworkTestCase()
        : TestCase("Probes cross the network and spare the web service")
    {
    }

  private:
    /// What one run counted.
    struct Counts
    {
        std::size_t probes{0};                      //!< probe applications installed
        std::vector<uint64_t> served;               //!< responses per server
        std::vector<uint64_t> answered;             //!< probe lines answered per server
        std::vector<uint32_t> probeConnections;     //!< open probe connections per server
        std::vector<std::vector<uint64_t>> replies; //!< replies per probe and server
        uint64_t forwarded{0};                      //!< packets the load balancers tunnelled
        uint64_t completed{0};                      //!< requests completed
    };

    /// Runs 200 short requests on 2 load balancers and 2 servers, with or without probes.
    static Counts Run(bool probe, Time stop)
    {
        TestbedHelper helper = MakeProbedTestbed(2, {2, 4});
        helper.SetEnableBusyWorkerProbe(probe);
        Ptr<Testbed> testbed = helper.Build();
        testbed->ReplayTrace(RequestTrace(ShortRequests(200, MilliSeconds(10)), "test"),
                             Seconds(0),
                             stop);
        Simulator::Stop(stop);
        Simulator::Run();
        Counts counts;
        counts.probes = testbed->probeApps.size();
        for (const auto& server : testbed->serverApps)
        {
            counts.served.push_back(server->GetServedRequests());
            counts.answered.push_back(server->GetProbesAnswered());
            counts.probeConnections.push_back(server->GetProbeConnections());
        }
        for (const auto& probeApp : testbed->probeApps)
        {
            counts.replies.push_back({probeApp->GetReplies(0), probeApp->GetReplies(1)});
        }
        for (const auto& loadBalancer : testbed->loadBalancerApps)
        {
            counts.forwarded += loadBalancer->GetForwardedPackets();
        }
        counts.completed = JctSummary(testbed->CollectRecords()).GetCompleted();
        Simulator::Destroy();
        return counts;
    }

    void DoRun() override
    {
        const Time stop = Seconds(2.1);
        Counts with = Run(true, stop);
        Counts without = Run(false, stop);

        NS_TEST_ASSERT_MSG_EQ(with.probes, 2, "one probe per load balancer");
        for (uint32_t s = 0; s < 2; ++s)
        {
            NS_TEST_ASSERT_MSG_EQ(with.probeConnections[s],
                                  2,
                                  "server " << s << " holds one probe connection per LB");
            uint64_t received = 0;
            for (uint32_t l = 0; l < 2; ++l)
            {
                NS_TEST_ASSERT_MSG_EQ(with.replies[l][s],
                                      TicksUntil(stop),
                                      "LB " << l << " got one reply per tick from server " << s);
                received += with.replies[l][s];
            }
            NS_TEST_ASSERT_MSG_EQ(with.answered[s],
                                  received,
                                  "server " << s << " answered as many probes as arrived back");
            NS_TEST_ASSERT_MSG_EQ(without.answered[s], 0, "no probe, no answer");
            NS_TEST_ASSERT_MSG_EQ(with.served[s],
                                  without.served[s],
                                  "server " << s << " served the same requests with probes");
        }
        NS_TEST_ASSERT_MSG_EQ(without.probes, 0, "probes are off by default");
        NS_TEST_ASSERT_MSG_EQ(with.served[0] + with.served[1],
                              200,
                              "every request was served once");
        NS_TEST_ASSERT_MSG_EQ(with.completed, 200, "every request completed with probes");
        NS_TEST_ASSERT_MSG_EQ(without.completed, 200, "every request completed without probes");
        NS_TEST_ASSERT_MSG_EQ(with.forwarded,
                              without.forwarded,
                              "the load balancers tunnelled no probe packet");
    }
};

/**
 * \ingroup marl-lb-tests
 * A probe connection takes neither a worker nor a place in the accept queue.
 */
class ProbeTakesNoWorkerTestCase : public TestCase
{
  public:
    ProbeTakesNoWorkerTestCase()
        : TestCase("Probe connection takes no worker")
    {
    }

  private:
    void DoRun() override
    {
        const Time stop = Seconds(1.1);
        TestbedHelper helper = MakeProbedTestbed(1, {2});
        Ptr<Testbed> testbed = helper.Build();
        std::vector<Reply> replies;
        RecordReplies(testbed, 0, &replies);
        Ptr<ApacheServer> server = testbed->serverApps[0];
        uint32_t busy = 99;
        uint32_t backlog = 99;
        uint32_t connections = 0;
        Simulator::Schedule(Seconds(1), [&]() {
            busy = server->GetBusyWorkers();
            backlog = server->GetBacklogLength();
            connections = server->GetProbeConnections();
        });
        Simulator::Stop(stop);
        Simulator::Run();
        uint64_t answered = server->GetProbesAnswered();
        Simulator::Destroy();

        NS_TEST_ASSERT_MSG_EQ(connections, 1, "the probe's connection is open");
        NS_TEST_ASSERT_MSG_EQ(busy, 0, "no worker holds the probe connection");
        NS_TEST_ASSERT_MSG_EQ(backlog, 0, "the probe connection is not in the accept queue");
        NS_TEST_ASSERT_MSG_EQ(answered, TicksUntil(stop), "one answer per tick");
        NS_TEST_ASSERT_MSG_EQ(replies.size(), TicksUntil(stop), "one reply per tick");
        for (const Reply& reply : replies)
        {
            NS_TEST_ASSERT_MSG_EQ(reply.busyWorkers, 0, "an idle server reports 0");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Without a status port on the server, every connection fails, the probe retries at each
 * tick, and the weights stay static.
 */
class StatusPortDisabledTestCase : public TestCase
{
  public:
    StatusPortDisabledTestCase()
        : TestCase("ProbePort 0 on servers keeps static weights")
    {
    }

  private:
    void DoRun() override
    {
        const Time stop = Seconds(2.1);
        TestbedHelper helper = MakeProbedTestbed(1, {2, 4});
        helper.SetServerAttribute("ProbePort", UintegerValue(0));
        SetWeightUpdateInterval(helper, Seconds(0));
        Ptr<Testbed> testbed = helper.Build();
        std::vector<BusyHistory> histories;
        RecordBusyWorkers(testbed, &histories);
        std::vector<Reply> replies;
        RecordReplies(testbed, 0, &replies);
        std::vector<WeightSample> samples;
        SampleWeights(testbed, PROBE_INTERVAL / 2, stop, &samples);
        testbed->ReplayTrace(RequestTrace(ChangingLoad(), "test"), Seconds(0), stop);
        Simulator::Stop(stop);
        Simulator::Run();
        Ptr<BusyWorkerProbe> probe = testbed->probeApps[0];
        uint64_t failures = probe->GetConnectionFailures();
        uint64_t reconnects = probe->GetReconnects();
        uint64_t parsed = probe->GetReplies();
        uint64_t malformed = probe->GetMalformedReplies();
        uint64_t answered = testbed->serverApps[0]->GetProbesAnswered()
                          + testbed->serverApps[1]->GetProbesAnswered();
        Simulator::Destroy();

        // Each tick after the first finds the attempt to each server unestablished, counts
        // it as failed and opens another.
        NS_TEST_ASSERT_MSG_EQ(failures, 2 * (TicksUntil(stop) - 1), "every attempt failed");
        NS_TEST_ASSERT_MSG_EQ(reconnects,
                              2 * (TicksUntil(stop) - 1),
                              "the probe retried at every tick after the first");
        NS_TEST_ASSERT_MSG_EQ(parsed, 0, "no reply");
        NS_TEST_ASSERT_MSG_EQ(malformed, 0, "no malformed reply");
        NS_TEST_ASSERT_MSG_EQ(replies.size(), 0, "the BusyWorkers trace never fired");
        NS_TEST_ASSERT_MSG_EQ(answered, 0, "no server answered");
        uint32_t busiest = 0;
        for (const auto& history : histories)
        {
            for (const auto& change : history)
            {
                busiest = std::max(busiest, change.second);
            }
        }
        NS_TEST_ASSERT_MSG_GT_OR_EQ(busiest, 2, "the servers were busy meanwhile");
        NS_TEST_ASSERT_MSG_EQ(samples.empty(), false, "weights were sampled");
        const double staticWeights[] = {2.0, 4.0};
        for (const WeightSample& sample : samples)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(sample.weight,
                                      staticWeights[sample.server],
                                      WEIGHT_TOL,
                                      "server " << sample.server << " keeps its static weight");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Reply lines that do not parse are counted and skipped; the connection stays open and the
 * well-formed replies still set the weight.
 */
class MalformedRepliesTestCase : public TestCase
{
  public:
    MalformedRepliesTestCase()
        : TestCase("Malformed replies are counted and skipped")
    {
    }

  private:
    void DoRun() override
    {
        // Good lines at positions 0 and 8 (a carriage return before the line feed is allowed).
        const std::vector<std::string> script = {"busy=3",
                                                 "busy=x",
                                                 "busy=",
                                                 "busy=-1",
                                                 "load=3",
                                                 "busy=99999999999",
                                                 "busy=4294967296",
                                                 std::string(100, '7'),
                                                 "busy=5\r"};
        // 14 ticks: script positions 0 to 8, then 0 to 4.
        const Time stop = Seconds(3.3);
        TestbedHelper helper = MakeProbedTestbed(1, {2});
        helper.SetServerAttribute("ProbePort", UintegerValue(0));
        SetWeightUpdateInterval(helper, Seconds(0));
        Ptr<Testbed> testbed = helper.Build();
        auto status = CreateObject<ScriptedStatusServer>(script);
        testbed->servers.Get(0)->AddApplication(status);
        status->SetStartTime(Seconds(0));
        std::vector<Reply> replies;
        RecordReplies(testbed, 0, &replies);
        Simulator::Stop(stop);
        Simulator::Run();
        Ptr<BusyWorkerProbe> probe = testbed->probeApps[0];
        uint64_t parsed = probe->GetReplies();
        uint64_t malformed = probe->GetMalformedReplies();
        uint64_t failures = probe->GetConnectionFailures();
        uint64_t sent = status->GetLinesSent();
        double weight = testbed->loadBalancerApps[0]->GetDataPlane()->GetServers()[0].weight;
        Simulator::Destroy();

        NS_TEST_ASSERT_MSG_EQ(TicksUntil(stop), 14, "the run covers 14 ticks");
        NS_TEST_ASSERT_MSG_EQ(sent, 14, "the status server answered every tick");
        NS_TEST_ASSERT_MSG_EQ(parsed, 3, "three replies parsed");
        NS_TEST_ASSERT_MSG_EQ(malformed, 11, "eleven replies did not parse");
        NS_TEST_ASSERT_MSG_EQ(failures, 0, "malformed replies do not close the connection");
        NS_TEST_ASSERT_MSG_EQ(replies.size(), 3, "the trace fired for parsed replies only");
        const uint32_t expected[] = {3, 5, 3};
        for (std::size_t i = 0; i < replies.size() && i < 3; ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(replies[i].busyWorkers, expected[i], "parsed reply " << i);
        }
        NS_TEST_ASSERT_MSG_EQ_TOL(weight,
                                  2.0 / 4,
                                  WEIGHT_TOL,
                                  "the last parsed reply set the weight");
    }
};

/**
 * \ingroup marl-lb-tests
 * When the server closes the status connection, the probe counts it and reconnects at each
 * tick; when the probe stops, the server closes its side.
 */
class ConnectionCloseTestCase : public TestCase
{
  public:
    ConnectionCloseTestCase()
        : TestCase("Closed status connections on both sides")
    {
    }

  private:
    void DoRun() override
    {
        const Time stop = Seconds(2.1);
        const Time stopApplication = Seconds(1.1);

        // The server stops: its listener and the probe connection close.
        {
            TestbedHelper helper = MakeProbedTestbed(1, {2});
            Ptr<Testbed> testbed = helper.Build();
            testbed->serverApps[0]->SetStopTime(stopApplication);
            Simulator::Stop(stop);
            Simulator::Run();
            Ptr<BusyWorkerProbe> probe = testbed->probeApps[0];
            uint64_t parsed = probe->GetReplies();
            uint64_t failures = probe->GetConnectionFailures();
            uint64_t reconnects = probe->GetReconnects();
            uint64_t answered = testbed->serverApps[0]->GetProbesAnswered();
            Simulator::Destroy();

            uint64_t ticksBefore = TicksUntil(stopApplication);
            uint64_t ticksAfter = TicksUntil(stop) - ticksBefore;
            NS_TEST_ASSERT_MSG_EQ(parsed, ticksBefore, "replies until the server stopped");
            NS_TEST_ASSERT_MSG_EQ(answered, parsed, "the server answered each of them");
            // The close counts once. Every reconnection but the last one counts too, because
            // the next tick finds it unestablished.
            NS_TEST_ASSERT_MSG_EQ(failures,
                                  1 + (ticksAfter - 1),
                                  "the close, then every refused reconnection");
            NS_TEST_ASSERT_MSG_EQ(reconnects, ticksAfter, "one reconnection per later tick");
        }

        // The probe stops: the server closes its side of the connection.
        {
            TestbedHelper helper = MakeProbedTestbed(1, {2});
            Ptr<Testbed> testbed = helper.Build();
            testbed->probeApps[0]->SetStopTime(stopApplication);
            Ptr<ApacheServer> server = testbed->serverApps[0];
            uint32_t openBefore = 0;
            uint32_t openAfter = 99;
            Simulator::Schedule(stopApplication - MilliSeconds(1), [&]() {
                openBefore = server->GetProbeConnections();
            });
            Simulator::Schedule(stopApplication + MilliSeconds(1), [&]() {
                openAfter = server->GetProbeConnections();
            });
            Simulator::Stop(stop);
            Simulator::Run();
            uint64_t answered = server->GetProbesAnswered();
            uint64_t parsed = testbed->probeApps[0]->GetReplies();
            Simulator::Destroy();

            NS_TEST_ASSERT_MSG_EQ(openBefore, 1, "the probe connection was open");
            NS_TEST_ASSERT_MSG_EQ(openAfter, 0, "the server closed it after the probe did");
            NS_TEST_ASSERT_MSG_EQ(answered, TicksUntil(stopApplication), "answers until the stop");
            NS_TEST_ASSERT_MSG_EQ(parsed, answered, "every answer arrived before the stop");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of AWCMP's busy-worker probing.
 */
class AwcmpTestSuite : public TestSuite
{
  public:
    AwcmpTestSuite()
        : TestSuite("marl-lb-awcmp", UNIT)
    {
        AddTestCase(new BusyWorkersMatchServerTestCase, TestCase::QUICK);
        AddTestCase(new WeightFollowsBusyWorkersTestCase, TestCase::QUICK);
        AddTestCase(new ProbesCrossNetworkTestCase, TestCase::QUICK);
        AddTestCase(new ProbeTakesNoWorkerTestCase, TestCase::QUICK);
        AddTestCase(new StatusPortDisabledTestCase, TestCase::QUICK);
        AddTestCase(new MalformedRepliesTestCase, TestCase::QUICK);
        AddTestCase(new ConnectionCloseTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static AwcmpTestSuite g_awcmpTestSuite;
