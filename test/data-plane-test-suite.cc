/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Unit tests of the load balancer's data-plane core, driven with flow keys, TCP flags and
// times (no packets): flow-table entries, on-going flow accounting, FIN, RST and idle
// timeouts, the consistent-hash fallback for unknown flows, and SED's choice and tie-breaks.
//
// Without --stop-on-failure the runner continues after a failed check, so trace records and
// servers are read through accessors that return a sentinel instead of reading out of bounds.

#include "ns3/ecmp-policy.h"
#include "ns3/flow-key.h"
#include "ns3/lb-data-plane.h"
#include "ns3/nstime.h"
#include "ns3/sed-policy.h"
#include "ns3/server-state.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace ns3;

namespace
{

constexpr uint8_t SYN = LbDataPlane::TCP_SYN;                            //!< client's SYN
constexpr uint8_t ACK = LbDataPlane::TCP_ACK;                            //!< plain ACK
constexpr uint8_t PSH_ACK = 0x08 | LbDataPlane::TCP_ACK;                 //!< data segment
constexpr uint8_t FIN_ACK = LbDataPlane::TCP_FIN | LbDataPlane::TCP_ACK; //!< client's FIN
constexpr uint8_t RST = LbDataPlane::TCP_RST;                            //!< client's RST
constexpr uint8_t RST_ACK = LbDataPlane::TCP_RST | LbDataPlane::TCP_ACK; //!< RST of a flow
constexpr uint8_t SYN_ACK = LbDataPlane::TCP_SYN | LbDataPlane::TCP_ACK; //!< not a client's SYN

/// Identifier of the first server: 10.0.1.1 as an integer, as the load balancer names DIPs.
constexpr uint64_t FIRST_SERVER_ID = 0x0a000101;

/**
 * Makes the key of the client flow number \p index towards the VIP 10.254.0.1:80.
 * \param index the flow number, where distinct numbers give distinct keys
 * \return the key
 */
FlowKey
MakeKey(uint32_t index)
{
    FlowKey key;
    key.sourceAddress = 0x0b000001 + index / 1000;
    key.destinationAddress = 0x0afe0001;
    key.sourcePort = static_cast<uint16_t>(40000 + index % 1000);
    key.destinationPort = 80;
    key.protocol = 6;
    return key;
}

/**
 * Creates a data plane with a policy and servers.
 * \param policy TypeId of the policy
 * \param weights static weight of each server, where server i gets identifier
 *        FIRST_SERVER_ID + i
 * \return the data plane
 */
Ptr<LbDataPlane>
MakeDataPlane(TypeId policy, const std::vector<double>& weights)
{
    Ptr<LbDataPlane> dataPlane = CreateObject<LbDataPlane>();
    dataPlane->SetAttribute("Policy", TypeIdValue(policy));
    dataPlane->SetAttribute("MaglevTableSize", UintegerValue(251));
    for (uint32_t i = 0; i < weights.size(); ++i)
    {
        dataPlane->AddServer(FIRST_SERVER_ID + i, weights[i]);
    }
    return dataPlane;
}

/**
 * Sums the on-going flow counts of every server.
 * \param dataPlane the data plane
 * \return the total
 */
uint32_t
TotalOngoing(Ptr<const LbDataPlane> dataPlane)
{
    uint32_t total = 0;
    for (const ServerState& server : dataPlane->GetServers())
    {
        total += server.ongoingFlows;
    }
    return total;
}

/**
 * Returns the server at a position, or a default state with identifier 0 for an invalid
 * position.
 * \param dataPlane the data plane
 * \param position a position that the data plane returned
 * \return the server's state
 */
ServerState
ServerAt(Ptr<const LbDataPlane> dataPlane, uint32_t position)
{
    const std::vector<ServerState>& servers = dataPlane->GetServers();
    return position < servers.size() ? servers[position] : ServerState{};
}

/// Records the calls of the ServerSelected and FlowEnded trace sources.
struct TraceRecorder
{
    /// Arguments of one ServerSelected call.
    struct Selected
    {
        FlowKey key;     //!< the flow
        uint32_t server; //!< chosen position
        bool bySyn;      //!< true if the policy chose
    };

    /// Arguments of one FlowEnded call.
    struct Ended
    {
        FlowKey key;     //!< the flow
        uint32_t server; //!< the flow's server
        Time duration;   //!< time from the entry's creation to its end
        int cause;       //!< a LbDataPlane::FlowEndCause
    };

    std::vector<Selected> selected; //!< ServerSelected calls, in order
    std::vector<Ended> ended;       //!< FlowEnded calls, in order

    /**
     * Returns one ServerSelected call.
     * \param index the call's number, from 0
     * \return the call, or a record with server NO_SERVER if there was no such call
     */
    Selected SelectedAt(std::size_t index) const
    {
        return index < selected.size() ? selected[index]
                                       : Selected{FlowKey{}, LbDataPlane::NO_SERVER, false};
    }

    /**
     * Returns one FlowEnded call.
     * \param index the call's number, from 0
     * \return the call, or a record with server NO_SERVER and cause -1 if there was no such
     *         call
     */
    Ended EndedAt(std::size_t index) const
    {
        return index < ended.size() ? ended[index]
                                    : Ended{FlowKey{}, LbDataPlane::NO_SERVER, Time(), -1};
    }

    /**
     * Connects both trace sources of a data plane to this recorder.
     * \param dataPlane the data plane
     * \return true if both trace sources exist and were connected
     */
    bool Connect(Ptr<LbDataPlane> dataPlane)
    {
        bool selectedConnected = dataPlane->TraceConnectWithoutContext(
            "ServerSelected",
            MakeCallback(&TraceRecorder::OnServerSelected, this));
        bool endedConnected =
            dataPlane->TraceConnectWithoutContext("FlowEnded",
                                                  MakeCallback(&TraceRecorder::OnFlowEnded, this));
        return selectedConnected && endedConnected;
    }

    /**
     * Records a ServerSelected call.
     * \param key the flow
     * \param server the chosen position
     * \param bySyn true if the policy chose
     */
    void OnServerSelected(const FlowKey& key, uint32_t server, bool bySyn)
    {
        selected.push_back({key, server, bySyn});
    }

    /**
     * Records a FlowEnded call.
     * \param key the flow
     * \param server the flow's server
     * \param duration the entry's lifetime
     * \param cause why it ended
     */
    void OnFlowEnded(const FlowKey& key, uint32_t server, Time duration, int cause)
    {
        ended.push_back({key, server, duration, cause});
    }
};

} // namespace

/**
 * \ingroup marl-lb-tests
 * A SYN creates an entry and every later packet of the flow goes to the server it names, even
 * when the policy would now choose another.
 */
class FlowFollowsEntryTestCase : public TestCase
{
  public:
    FlowFollowsEntryTestCase()
        : TestCase("Data plane: packets follow the SYN's entry")
    {
    }

  private:
    void DoRun() override
    {
        // SED with the First tie-break sends the first flow to server 0 and, once that flow
        // is on-going, the second flow to server 1.
        Ptr<LbDataPlane> dataPlane = MakeDataPlane(SedPolicy::GetTypeId(), {1, 1, 1});
        dataPlane->GetPolicy()->SetAttribute("TieBreak", StringValue("First"));
        TraceRecorder recorder;
        NS_TEST_ASSERT_MSG_EQ(recorder.Connect(dataPlane), true, "trace sources connected");
        const FlowKey first = MakeKey(1);
        const FlowKey second = MakeKey(2);

        uint32_t firstServer = dataPlane->ProcessPacket(first, SYN, Seconds(1));
        NS_TEST_ASSERT_MSG_EQ(firstServer, 0, "SED's First tie-break picks server 0 when idle");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(), 1, "a SYN must create an entry");
        NS_TEST_ASSERT_MSG_EQ(recorder.selected.size(), 1, "ServerSelected fires at the SYN");
        NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(0).server, 0, "ServerSelected server argument");
        NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(0).bySyn, true, "ServerSelected bySyn argument");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetServers()[0].assignedFlows,
                              1,
                              "the chosen server's assigned-flow counter");

        dataPlane->ProcessPacket(first, ACK, Seconds(1.1));
        uint32_t secondServer = dataPlane->ProcessPacket(second, SYN, Seconds(1.2));
        NS_TEST_ASSERT_MSG_EQ(secondServer, 1, "with server 0 busy, SED moves to server 1");

        // Every packet of the first flow, whatever its flags, follows its entry.
        const std::vector<uint8_t> laterFlags = {ACK, PSH_ACK, SYN, ACK, FIN_ACK, ACK};
        for (std::size_t i = 0; i < laterFlags.size(); ++i)
        {
            uint32_t server =
                dataPlane->ProcessPacket(first, laterFlags[i], Seconds(1.3 + 0.1 * i));
            NS_TEST_ASSERT_MSG_EQ(server,
                                  firstServer,
                                  "packet " << i << " with flags 0x" << std::hex
                                            << static_cast<uint32_t>(laterFlags[i])
                                            << " must follow the entry");
        }
        NS_TEST_ASSERT_MSG_EQ(recorder.selected.size(),
                              2,
                              "packets of known flows must not select a server again");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(), 2, "one entry per flow");
    }
};

/**
 * \ingroup marl-lb-tests
 * Adding a server rebuilds the consistent-hash table but leaves existing flows in place.
 */
class FlowSurvivesNewServerTestCase : public TestCase
{
  public:
    FlowSurvivesNewServerTestCase()
        : TestCase("Data plane: flows survive AddServer")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<LbDataPlane> dataPlane = MakeDataPlane(EcmpPolicy::GetTypeId(), {1, 1, 1});
        const uint32_t flows = 300;
        std::vector<uint32_t> chosen;
        for (uint32_t i = 0; i < flows; ++i)
        {
            chosen.push_back(dataPlane->ProcessPacket(MakeKey(i), SYN, Seconds(1)));
        }

        dataPlane->AddServer(FIRST_SERVER_ID + 3, 1);

        uint32_t rehashed = 0;
        for (uint32_t i = 0; i < flows; ++i)
        {
            const FlowKey key = MakeKey(i);
            uint32_t hashNow = dataPlane->GetMaglevTable().Lookup(HashFlowKey(key, 0));
            rehashed += hashNow != chosen[i];
            NS_TEST_ASSERT_MSG_EQ(dataPlane->ProcessPacket(key, ACK, Seconds(2)),
                                  chosen[i],
                                  "flow " << key << " must keep its server after AddServer");
        }
        // About a quarter of the flows hash to another server now, which is what the entries
        // have to protect against.
        NS_TEST_ASSERT_MSG_GT(rehashed, flows / 8, "the new table must move some flows");
    }
};

/**
 * \ingroup marl-lb-tests
 * A flow counts as on-going from the client's first ACK until its FIN or RST.
 */
class OngoingCountTestCase : public TestCase
{
  public:
    OngoingCountTestCase()
        : TestCase("Data plane: on-going count follows TCP flags")
    {
    }

  private:
    /// One packet of the flow and the state expected after it.
    struct Step
    {
        uint8_t flags;       //!< TCP flags of the packet
        uint32_t ongoing;    //!< expected on-going count of the flow's server
        std::size_t entries; //!< expected flow-table size
    };

    /// One flow's packets.
    struct Case
    {
        std::string description; //!< what the flow does
        std::vector<Step> steps; //!< its packets, 100 ms apart
    };

    void DoRun() override
    {
        const std::vector<Case> cases = {
            {"SYN, ACK, data, FIN, last ACK",
             {{SYN, 0, 1}, {ACK, 1, 1}, {PSH_ACK, 1, 1}, {FIN_ACK, 0, 1}, {ACK, 0, 1}}},
            {"SYN retransmitted before the ACK", {{SYN, 0, 1}, {SYN, 0, 1}, {ACK, 1, 1}}},
            {"RST after the handshake", {{SYN, 0, 1}, {ACK, 1, 1}, {RST, 0, 0}}},
            {"RST+ACK after data", {{SYN, 0, 1}, {ACK, 1, 1}, {PSH_ACK, 1, 1}, {RST_ACK, 0, 0}}},
            {"RST before the first ACK", {{SYN, 0, 1}, {RST, 0, 0}}},
            {"FIN repeated", {{SYN, 0, 1}, {ACK, 1, 1}, {FIN_ACK, 0, 1}, {FIN_ACK, 0, 1}}},
            {"FIN on the first ACK", {{SYN, 0, 1}, {FIN_ACK, 0, 1}, {ACK, 0, 1}}},
            {"RST after FIN", {{SYN, 0, 1}, {ACK, 1, 1}, {FIN_ACK, 0, 1}, {RST, 0, 0}}},
            {"SYN+ACK is not the first ACK", {{SYN, 0, 1}, {SYN_ACK, 0, 1}, {ACK, 1, 1}}},
        };

        for (const auto& c : cases)
        {
            Ptr<LbDataPlane> dataPlane = MakeDataPlane(EcmpPolicy::GetTypeId(), {1, 1});
            const FlowKey key = MakeKey(7);
            uint32_t flowServer = LbDataPlane::NO_SERVER;
            for (std::size_t i = 0; i < c.steps.size(); ++i)
            {
                const Step& step = c.steps[i];
                uint32_t server = dataPlane->ProcessPacket(key, step.flags, MilliSeconds(100 * i));
                if (i == 0)
                {
                    flowServer = server;
                }
                NS_TEST_ASSERT_MSG_EQ(server,
                                      flowServer,
                                      c.description << ", packet " << i << ": server");
                NS_TEST_ASSERT_MSG_EQ(ServerAt(dataPlane, flowServer).ongoingFlows,
                                      step.ongoing,
                                      c.description << ", packet " << i
                                                    << ": on-going count of the flow's server");
                NS_TEST_ASSERT_MSG_EQ(TotalOngoing(dataPlane),
                                      step.ongoing,
                                      c.description << ", packet " << i
                                                    << ": on-going count of all servers");
                NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(),
                                      step.entries,
                                      c.description << ", packet " << i << ": flow-table size");
            }
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * RST removes the entry at once and reports the end. The flow's next packet is unknown.
 */
class RstRemovesEntryTestCase : public TestCase
{
  public:
    RstRemovesEntryTestCase()
        : TestCase("Data plane: RST removes the entry")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<LbDataPlane> dataPlane = MakeDataPlane(EcmpPolicy::GetTypeId(), {1, 1, 1});
        TraceRecorder recorder;
        NS_TEST_ASSERT_MSG_EQ(recorder.Connect(dataPlane), true, "trace sources connected");
        const FlowKey key = MakeKey(3);

        uint32_t server = dataPlane->ProcessPacket(key, SYN, Seconds(2));
        dataPlane->ProcessPacket(key, ACK, Seconds(2.5));
        dataPlane->ProcessPacket(key, RST_ACK, Seconds(4.25));

        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(), 0, "RST must remove the entry");
        NS_TEST_ASSERT_MSG_EQ(recorder.ended.size(), 1, "FlowEnded fires once at the RST");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).key, key, "FlowEnded key argument");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).server, server, "FlowEnded server argument");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).duration,
                              Seconds(2.25),
                              "FlowEnded duration runs from the SYN to the RST");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).cause,
                              LbDataPlane::FLOW_END_RST,
                              "FlowEnded cause argument");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetTimedOutFlows(), 0, "an RST is not a timeout");

        // The entry is gone, so a late ACK is an unknown flow again: it is forwarded by hash
        // and never counted.
        dataPlane->ProcessPacket(key, ACK, Seconds(4.5));
        NS_TEST_ASSERT_MSG_EQ(recorder.selected.size(), 2, "the late ACK selects a server");
        NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(1).bySyn,
                              false,
                              "the late ACK gets the consistent-hash server, not the policy's");
        NS_TEST_ASSERT_MSG_EQ(TotalOngoing(dataPlane), 0, "the late ACK's flow is not counted");
    }
};

/**
 * \ingroup marl-lb-tests
 * After a FIN the entry stays for ClosingTimeout from the flow's last packet, then expires
 * without counting as an idle timeout or reporting a second end.
 */
class FinClosingTimeoutTestCase : public TestCase
{
  public:
    FinClosingTimeoutTestCase()
        : TestCase("Data plane: FIN entry lasts ClosingTimeout")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<LbDataPlane> dataPlane = MakeDataPlane(EcmpPolicy::GetTypeId(), {1, 1});
        dataPlane->SetAttribute("ClosingTimeout", TimeValue(Seconds(3)));
        TraceRecorder recorder;
        NS_TEST_ASSERT_MSG_EQ(recorder.Connect(dataPlane), true, "trace sources connected");
        const FlowKey key = MakeKey(11);

        uint32_t server = dataPlane->ProcessPacket(key, SYN, Seconds(1));
        dataPlane->ProcessPacket(key, ACK, Seconds(1.5));
        dataPlane->ProcessPacket(key, FIN_ACK, Seconds(4));

        NS_TEST_ASSERT_MSG_EQ(TotalOngoing(dataPlane), 0, "a FIN ends the on-going count");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(), 1, "a FIN keeps the entry");
        NS_TEST_ASSERT_MSG_EQ(recorder.ended.size(), 1, "FlowEnded fires at the FIN");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).server, server, "FlowEnded server argument");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).duration,
                              Seconds(3),
                              "FlowEnded duration runs from the SYN to the FIN");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).cause,
                              LbDataPlane::FLOW_END_FIN,
                              "FlowEnded cause argument");

        // The client's last ACK still reaches the flow's server and restarts the timer.
        NS_TEST_ASSERT_MSG_EQ(dataPlane->ProcessPacket(key, ACK, Seconds(5)),
                              server,
                              "the last ACK after the FIN follows the entry");
        NS_TEST_ASSERT_MSG_EQ(recorder.selected.size(), 1, "the last ACK selects no server");

        NS_TEST_ASSERT_MSG_EQ(dataPlane->ExpireIdleFlows(Seconds(8)),
                              0,
                              "an entry closing for exactly ClosingTimeout stays");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(), 1, "entry kept at ClosingTimeout");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->ExpireIdleFlows(Seconds(8) + NanoSeconds(1)),
                              1,
                              "an entry closing for longer than ClosingTimeout expires");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(), 0, "entry removed after ClosingTimeout");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetTimedOutFlows(),
                              0,
                              "a closed flow's expiry is not an idle timeout");
        NS_TEST_ASSERT_MSG_EQ(recorder.ended.size(),
                              1,
                              "a closed flow's expiry must not report its end again");
        NS_TEST_ASSERT_MSG_EQ(TotalOngoing(dataPlane), 0, "no count left behind");
    }
};

/**
 * \ingroup marl-lb-tests
 * An entry idle for longer than IdleTimeout ends: by ExpireIdleFlows, or at its next packet.
 */
class IdleTimeoutTestCase : public TestCase
{
  public:
    IdleTimeoutTestCase()
        : TestCase("Data plane: idle timeout ends the flow")
    {
    }

  private:
    void DoRun() override
    {
        Ptr<LbDataPlane> dataPlane = MakeDataPlane(EcmpPolicy::GetTypeId(), {1, 1, 1});
        dataPlane->SetAttribute("IdleTimeout", TimeValue(Seconds(10)));
        TraceRecorder recorder;
        NS_TEST_ASSERT_MSG_EQ(recorder.Connect(dataPlane), true, "trace sources connected");
        const FlowKey idle = MakeKey(21);
        const FlowKey active = MakeKey(22);

        uint32_t idleServer = dataPlane->ProcessPacket(idle, SYN, Seconds(1));
        dataPlane->ProcessPacket(idle, ACK, Seconds(2));
        dataPlane->ProcessPacket(active, SYN, Seconds(2));
        dataPlane->ProcessPacket(active, ACK, Seconds(11));

        NS_TEST_ASSERT_MSG_EQ(recorder.selected.size(), 2, "ServerSelected fires per SYN");
        NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(0).key, idle, "ServerSelected key argument");
        NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(0).server,
                              idleServer,
                              "ServerSelected server argument");
        NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(0).bySyn, true, "ServerSelected bySyn argument");
        NS_TEST_ASSERT_MSG_EQ(TotalOngoing(dataPlane), 2, "both flows on-going");
        const uint32_t idleServerOngoing = ServerAt(dataPlane, idleServer).ongoingFlows;

        NS_TEST_ASSERT_MSG_EQ(dataPlane->ExpireIdleFlows(Seconds(12)),
                              0,
                              "an entry idle for exactly IdleTimeout stays");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->ExpireIdleFlows(Seconds(12) + NanoSeconds(1)),
                              1,
                              "only the entry idle for longer than IdleTimeout ends");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(), 1, "the active flow keeps its entry");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetTimedOutFlows(), 1, "GetTimedOutFlows counts it");
        NS_TEST_ASSERT_MSG_EQ(ServerAt(dataPlane, idleServer).ongoingFlows,
                              idleServerOngoing - 1,
                              "the idle flow no longer counts on its server");
        NS_TEST_ASSERT_MSG_EQ(TotalOngoing(dataPlane), 1, "only the active flow counts");
        NS_TEST_ASSERT_MSG_EQ(recorder.ended.size(), 1, "FlowEnded fires for the idle flow");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).key, idle, "FlowEnded key argument");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).server, idleServer, "FlowEnded server argument");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).duration,
                              Seconds(11) + NanoSeconds(1),
                              "FlowEnded duration runs from the SYN to the expiry");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(0).cause,
                              LbDataPlane::FLOW_END_TIMEOUT,
                              "FlowEnded cause argument");

        // Without an ExpireIdleFlows call, the next packet after the timeout ends the old entry
        // and is treated as a packet of an unknown flow.
        dataPlane->ProcessPacket(active, ACK, Seconds(30));
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetTimedOutFlows(),
                              2,
                              "a packet after IdleTimeout times the old entry out");
        NS_TEST_ASSERT_MSG_EQ(recorder.ended.size(), 2, "FlowEnded fires for the old entry");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(1).cause,
                              LbDataPlane::FLOW_END_TIMEOUT,
                              "the old entry ends by timeout");
        NS_TEST_ASSERT_MSG_EQ(recorder.EndedAt(1).duration,
                              Seconds(28),
                              "the old entry lasted from its SYN to the late packet");
        NS_TEST_ASSERT_MSG_EQ(recorder.selected.size(), 3, "the late packet selects a server");
        NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(2).bySyn,
                              false,
                              "the late packet gets the consistent-hash server");
        NS_TEST_ASSERT_MSG_EQ(TotalOngoing(dataPlane),
                              0,
                              "the late packet's new entry is never counted");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetFlowCount(), 1, "the late packet has an entry");
    }
};

/**
 * \ingroup marl-lb-tests
 * A non-SYN packet of an unknown flow goes to the consistent-hash server, which every load
 * balancer with the same servers agrees on, and is never counted as on-going.
 */
class UnknownFlowHashTestCase : public TestCase
{
  public:
    UnknownFlowHashTestCase()
        : TestCase("Data plane: unknown flow gets hash server")
    {
    }

  private:
    void DoRun() override
    {
        const uint64_t seed = 7;
        // The test builds two SED data planes, with the servers added in opposite orders, whose
        // First tie-break would send every SYN to position 0. An ECMP data plane is the
        // reference.
        Ptr<LbDataPlane> forward = CreateObject<LbDataPlane>();
        Ptr<LbDataPlane> backward = CreateObject<LbDataPlane>();
        Ptr<LbDataPlane> ecmp = CreateObject<LbDataPlane>();
        for (Ptr<LbDataPlane> dataPlane : {forward, backward, ecmp})
        {
            dataPlane->SetAttribute("HashSeed", UintegerValue(seed));
        }
        forward->SetAttribute("Policy", TypeIdValue(SedPolicy::GetTypeId()));
        backward->SetAttribute("Policy", TypeIdValue(SedPolicy::GetTypeId()));
        forward->GetPolicy()->SetAttribute("TieBreak", StringValue("First"));
        backward->GetPolicy()->SetAttribute("TieBreak", StringValue("First"));
        const uint32_t servers = 5;
        for (uint32_t i = 0; i < servers; ++i)
        {
            forward->AddServer(FIRST_SERVER_ID + i, 1);
            backward->AddServer(FIRST_SERVER_ID + servers - 1 - i, 1);
            ecmp->AddServer(FIRST_SERVER_ID + i, 1);
        }
        TraceRecorder recorder;
        NS_TEST_ASSERT_MSG_EQ(recorder.Connect(forward), true, "trace sources connected");

        const uint32_t flows = 500;
        uint32_t awayFromFirst = 0;
        for (uint32_t i = 0; i < flows; ++i)
        {
            const FlowKey key = MakeKey(i);
            uint32_t forwardServer = forward->ProcessPacket(key, ACK, Seconds(1));
            uint32_t backwardServer = backward->ProcessPacket(key, PSH_ACK, Seconds(1));
            uint32_t ecmpServer = ecmp->ProcessPacket(key, SYN, Seconds(1));
            uint32_t tableServer = forward->GetMaglevTable().Lookup(HashFlowKey(key, seed));

            NS_TEST_ASSERT_MSG_EQ(forwardServer,
                                  tableServer,
                                  "flow " << key << ": not the consistent-hash table's server");
            NS_TEST_ASSERT_MSG_EQ(ServerAt(forward, forwardServer).id,
                                  ServerAt(backward, backwardServer).id,
                                  "flow " << key << ": the server order changed the server");
            NS_TEST_ASSERT_MSG_EQ(ServerAt(forward, forwardServer).id,
                                  ServerAt(ecmp, ecmpServer).id,
                                  "flow " << key << ": ECMP would pick another server");
            NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(recorder.selected.size() - 1).bySyn,
                                  false,
                                  "flow " << key << ": ServerSelected must report the fallback");
            awayFromFirst += forwardServer != 0;

            // More packets, up to the FIN, leave the counts alone.
            forward->ProcessPacket(key, ACK, Seconds(2));
            forward->ProcessPacket(key, FIN_ACK, Seconds(3));
        }
        // SED would have sent every SYN to position 0, so this shows the fallback skipped it.
        NS_TEST_ASSERT_MSG_GT(awayFromFirst, flows / 2, "most flows hash away from position 0");
        NS_TEST_ASSERT_MSG_EQ(TotalOngoing(forward), 0, "untracked flows are never on-going");
        NS_TEST_ASSERT_MSG_EQ(TotalOngoing(backward), 0, "untracked flows are never on-going");
        NS_TEST_ASSERT_MSG_EQ(recorder.selected.size(), flows, "one selection per flow");
        NS_TEST_ASSERT_MSG_EQ(recorder.ended.size(), flows, "one FIN per flow");

        // A SYN+ACK is not a client's SYN, so an unknown flow's SYN+ACK also gets the fallback.
        const FlowKey synAck = MakeKey(flows + 2);
        NS_TEST_ASSERT_MSG_EQ(forward->ProcessPacket(synAck, SYN_ACK, Seconds(4)),
                              forward->GetMaglevTable().Lookup(HashFlowKey(synAck, seed)),
                              "an unknown flow's SYN+ACK goes to the consistent-hash server");
        NS_TEST_ASSERT_MSG_EQ(recorder.SelectedAt(recorder.selected.size() - 1).bySyn,
                              false,
                              "ServerSelected must report the SYN+ACK as a fallback");

        // An RST of an unknown flow is forwarded by hash but leaves no entry and no end.
        const FlowKey reset = MakeKey(flows + 1);
        std::size_t entries = forward->GetFlowCount();
        std::size_t ends = recorder.ended.size();
        NS_TEST_ASSERT_MSG_EQ(forward->ProcessPacket(reset, RST, Seconds(4)),
                              forward->GetMaglevTable().Lookup(HashFlowKey(reset, seed)),
                              "an unknown flow's RST goes to the consistent-hash server");
        NS_TEST_ASSERT_MSG_EQ(forward->GetFlowCount(), entries, "an unknown RST adds no entry");
        NS_TEST_ASSERT_MSG_EQ(recorder.ended.size(), ends, "an unknown RST ends no flow");
    }
};

/**
 * \ingroup marl-lb-tests
 * SED picks the server with the smallest (q + 1) / w, and each tie-break rule resolves ties.
 */
class SedChoiceTestCase : public TestCase
{
  public:
    SedChoiceTestCase()
        : TestCase("SED picks lowest score, each tie-break")
    {
    }

  private:
    /// Servers' counts and weights, the proposed server, and the expected choice.
    struct Case
    {
        std::string description;       //!< what the case covers
        std::vector<uint32_t> ongoing; //!< q of each server
        std::vector<double> weights;   //!< w of each server
        uint32_t hashProposed;         //!< the consistent-hash table's server
        std::string tieBreak;          //!< TieBreak attribute value
        uint32_t expected;             //!< expected choice
    };

    void DoRun() override
    {
        const uint32_t none = LbDataPlane::NO_SERVER;
        const std::vector<Case> cases = {
            {"single minimum", {3, 1, 2}, {1, 1, 1}, 0, "HashProposed", 1},
            {"single minimum, First", {3, 1, 2}, {1, 1, 1}, 0, "First", 1},
            {"weights decide", {1, 3}, {1, 4}, 0, "First", 1},                 // 2 against 1
            {"weights decide the other way", {1, 3}, {1, 1.5}, 1, "First", 0}, // 2 against 2.67
            {"all idle, proposed 2", {0, 0, 0}, {1, 1, 1}, 2, "HashProposed", 2},
            {"all idle, First", {0, 0, 0}, {1, 1, 1}, 2, "First", 0},
            {"proposed 3 not a minimum: first minimum",
             {3, 1, 1, 5},
             {1, 1, 1, 1},
             3,
             "HashProposed",
             1},
            {"proposed 2 is a minimum: kept", {3, 1, 1, 5}, {1, 1, 1, 1}, 2, "HashProposed", 2},
            {"tie across weights, proposed 1", {0, 1}, {1, 2}, 1, "HashProposed", 1},
            {"tie across weights, First", {0, 1}, {1, 2}, 1, "First", 0},
            {"proposed server not a minimum", {0, 4, 0}, {1, 1, 1}, 1, "HashProposed", 0},
            {"proposal out of range: first minimum", {2, 0, 0}, {1, 1, 1}, none, "HashProposed", 1},
            {"weight 0 is skipped", {0, 5}, {0, 1}, 0, "First", 1},
            {"every weight 0 returns the proposal", {0, 0, 0}, {0, 0, 0}, 2, "First", 2},
        };

        for (const auto& c : cases)
        {
            std::vector<ServerState> servers(c.ongoing.size());
            for (std::size_t i = 0; i < servers.size(); ++i)
            {
                servers[i].id = FIRST_SERVER_ID + i;
                servers[i].ongoingFlows = c.ongoing[i];
                servers[i].staticWeight = c.weights[i];
                servers[i].weight = c.weights[i];
            }
            Ptr<SedPolicy> policy = CreateObject<SedPolicy>();
            policy->SetAttribute("TieBreak", StringValue(c.tieBreak));

            uint32_t choice = policy->SelectServer(MakeKey(0), c.hashProposed, servers);
            NS_TEST_ASSERT_MSG_EQ(choice, c.expected, c.description << " (" << c.tieBreak << ")");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * SED's Random tie-break picks only among the minima, and with a fixed stream picks each.
 */
class SedRandomTieBreakTestCase : public TestCase
{
  public:
    SedRandomTieBreakTestCase()
        : TestCase("SED random tie-break draws among minima")
    {
    }

  private:
    /// Servers' counts and weights and the positions that share the minimum score.
    struct Case
    {
        std::string description;       //!< what the case covers
        std::vector<uint32_t> ongoing; //!< q of each server
        std::vector<double> weights;   //!< w of each server
        std::vector<uint32_t> minima;  //!< positions with the minimum (q + 1) / w
    };

    void DoRun() override
    {
        const std::vector<Case> cases = {
            {"three idle of five", {2, 0, 1, 0, 0}, {1, 1, 1, 1, 1}, {1, 3, 4}},
            {"equal scores with unequal weights", {1, 0, 3, 5}, {2, 1, 4, 1}, {0, 1, 2}},
            {"two of two", {0, 0}, {1, 1}, {0, 1}},
        };
        const uint32_t draws = 600;

        for (const auto& c : cases)
        {
            std::vector<ServerState> servers(c.ongoing.size());
            for (std::size_t i = 0; i < servers.size(); ++i)
            {
                servers[i].id = FIRST_SERVER_ID + i;
                servers[i].ongoingFlows = c.ongoing[i];
                servers[i].weight = c.weights[i];
            }
            Ptr<SedPolicy> policy = CreateObject<SedPolicy>();
            policy->SetAttribute("TieBreak", StringValue("Random"));
            NS_TEST_ASSERT_MSG_EQ(policy->AssignStreams(5), 1, "SED uses one random stream");
            Ptr<SedPolicy> twin = CreateObject<SedPolicy>();
            twin->SetAttribute("TieBreak", StringValue("Random"));
            twin->AssignStreams(5);

            std::map<uint32_t, uint32_t> counts;
            for (uint32_t d = 0; d < draws; ++d)
            {
                // The Random rule ignores the proposal, so it varies here.
                uint32_t proposal = d % servers.size();
                uint32_t choice = policy->SelectServer(MakeKey(d), proposal, servers);
                counts[choice]++;
                NS_TEST_ASSERT_MSG_EQ(twin->SelectServer(MakeKey(d), proposal, servers),
                                      choice,
                                      c.description << ": the same stream must give the same "
                                                       "choice at draw "
                                                    << d);
            }

            uint32_t counted = 0;
            const double share = static_cast<double>(draws) / c.minima.size();
            for (uint32_t minimum : c.minima)
            {
                NS_TEST_ASSERT_MSG_GT(counts[minimum],
                                      0,
                                      c.description << ": minimum " << minimum
                                                    << " never chosen in " << draws << " draws");
                // A uniform choice gives each minimum its share, within 5 standard deviations.
                NS_TEST_ASSERT_MSG_EQ_TOL(counts[minimum],
                                          share,
                                          5 * std::sqrt(share),
                                          c.description << ": minimum " << minimum
                                                        << " chosen unevenly");
                counted += counts[minimum];
            }
            NS_TEST_ASSERT_MSG_EQ(counted,
                                  draws,
                                  c.description << ": a server that is not a minimum was chosen");
        }
    }
};

/**
 * \ingroup marl-lb-tests
 * Through the data plane, SED's choices follow (q + 1) / w as flows are established.
 */
class SedDataPlaneTestCase : public TestCase
{
  public:
    SedDataPlaneTestCase()
        : TestCase("SED data plane follows flow counts")
    {
    }

  private:
    void DoRun() override
    {
        // Weights 2 and 4, and ties go to the first server in list order.
        Ptr<LbDataPlane> dataPlane = MakeDataPlane(SedPolicy::GetTypeId(), {2, 4});
        dataPlane->GetPolicy()->SetAttribute("TieBreak", StringValue("First"));
        NS_TEST_ASSERT_MSG_EQ(dataPlane->AssignStreams(3), 2, "streams of data plane and SED");

        // Scores (q0 + 1) / 2 and (q1 + 1) / 4, worked out by hand: at q = (0, 0) they are 0.5
        // and 0.25, at (0, 1) they tie and server 0 wins, at (1, 1) they are 1 and 0.5, at
        // (1, 2) 1 and 0.75, at (1, 3) they tie again, and at (2, 3) they are 1.5 and 1.
        const std::vector<uint32_t> firstChoices = {1, 0, 1, 1, 0, 1};
        const uint32_t flows = 30;
        std::vector<uint32_t> perServer(2, 0);
        for (uint32_t i = 0; i < flows; ++i)
        {
            const std::vector<ServerState>& servers = dataPlane->GetServers();
            double score0 = (servers[0].ongoingFlows + 1.0) / servers[0].weight;
            double score1 = (servers[1].ongoingFlows + 1.0) / servers[1].weight;
            uint32_t expected = score1 < score0 ? 1 : 0;

            const FlowKey key = MakeKey(i);
            uint32_t choice = dataPlane->ProcessPacket(key, SYN, MilliSeconds(10 * i));
            dataPlane->ProcessPacket(key, ACK, MilliSeconds(10 * i + 1));

            NS_TEST_ASSERT_MSG_EQ(choice,
                                  expected,
                                  "flow " << i << ": scores " << score0 << " and " << score1);
            if (i < firstChoices.size())
            {
                NS_TEST_ASSERT_MSG_EQ(choice, firstChoices[i], "flow " << i << " by hand");
            }
            if (choice < perServer.size())
            {
                perServer[choice]++;
            }
        }
        NS_TEST_ASSERT_MSG_EQ(perServer[0], 10, "weight 2 gets a third of the flows");
        NS_TEST_ASSERT_MSG_EQ(perServer[1], 20, "weight 4 gets two thirds of the flows");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetServers()[0].ongoingFlows, 10, "q of server 0");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetServers()[1].ongoingFlows, 20, "q of server 1");

        // Flows still in their handshake do not count, so SED keeps choosing the same server.
        // Scores are now 11/2 = 5.5 and 21/4 = 5.25.
        for (uint32_t i = flows; i < flows + 5; ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(dataPlane->ProcessPacket(MakeKey(i), SYN, Seconds(1)),
                                  1,
                                  "SYN " << i << ": unacknowledged SYNs must not count as load");
        }

        // Resetting 8 of server 0's 10 flows turns the choice round.
        uint32_t reset = 0;
        for (uint32_t i = 0; i < flows && reset < 8; ++i)
        {
            if (dataPlane->ProcessPacket(MakeKey(i), ACK, Seconds(2)) == 0)
            {
                dataPlane->ProcessPacket(MakeKey(i), RST, Seconds(2));
                ++reset;
            }
        }
        NS_TEST_ASSERT_MSG_EQ(dataPlane->GetServers()[0].ongoingFlows,
                              2,
                              "q of server 0 after RSTs");
        NS_TEST_ASSERT_MSG_EQ(dataPlane->ProcessPacket(MakeKey(100), SYN, Seconds(3)),
                              0,
                              "with q = (2, 20), (2 + 1) / 2 = 1.5 beats (20 + 1) / 4 = 5.25");
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of LbDataPlane and SedPolicy.
 */
class DataPlaneTestSuite : public TestSuite
{
  public:
    DataPlaneTestSuite()
        : TestSuite("marl-lb-data-plane", UNIT)
    {
        AddTestCase(new FlowFollowsEntryTestCase, TestCase::QUICK);
        AddTestCase(new FlowSurvivesNewServerTestCase, TestCase::QUICK);
        AddTestCase(new OngoingCountTestCase, TestCase::QUICK);
        AddTestCase(new RstRemovesEntryTestCase, TestCase::QUICK);
        AddTestCase(new FinClosingTimeoutTestCase, TestCase::QUICK);
        AddTestCase(new IdleTimeoutTestCase, TestCase::QUICK);
        AddTestCase(new UnknownFlowHashTestCase, TestCase::QUICK);
        AddTestCase(new SedChoiceTestCase, TestCase::QUICK);
        AddTestCase(new SedRandomTieBreakTestCase, TestCase::QUICK);
        AddTestCase(new SedDataPlaneTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static DataPlaneTestSuite g_dataPlaneTestSuite;
