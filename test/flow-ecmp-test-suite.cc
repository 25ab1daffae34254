/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Unit tests of the edge router's per-flow ECMP: hash fields, seeds, and next hops that go
// down.

#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-route.h"
#include "ns3/ipv4.h"
#include "ns3/marl-lb-module.h"
#include "ns3/packet.h"
#include "ns3/point-to-point-helper.h"
#include "ns3/simulator.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <set>
#include <vector>

using namespace ns3;

namespace
{

/// A router with four links and FlowEcmpRouting over the four far ends for one VIP.
struct EcmpFixture
{
    NodeContainer nodes;              //!< router first, then four neighbours
    Ptr<FlowEcmpRouting> routing;     //!< the router's per-flow ECMP
    std::vector<uint32_t> interfaces; //!< the router's interface of each link
    Ipv4Address vip{"10.255.0.1"};    //!< routed prefix

    /**
     * \param seed the hash seed
     * \param fields the hashed fields
     * \param network second byte of the links' addresses; fixtures alive at once need
     *        different values
     */
    EcmpFixture(uint64_t seed, uint8_t fields, uint32_t network = 9)
    {
        nodes.Create(5);
        InternetStackHelper stack;
        stack.Install(nodes);
        PointToPointHelper link;
        routing = CreateObject<FlowEcmpRouting>();
        routing->SetAttribute("HashSeed", UintegerValue(seed));
        routing->SetAttribute("HashFields", UintegerValue(fields));
        Ptr<Ipv4> ipv4 = nodes.Get(0)->GetObject<Ipv4>();
        routing->SetIpv4(ipv4);
        for (uint32_t i = 1; i < 5; ++i)
        {
            NetDeviceContainer devices = link.Install(nodes.Get(0), nodes.Get(i));
            std::string base = "10." + std::to_string(network) + "." + std::to_string(i) + ".0";
            Ipv4AddressHelper addresses(base.c_str(), "255.255.255.0");
            Ipv4InterfaceContainer assigned = addresses.Assign(devices);
            interfaces.push_back(assigned.Get(0).second);
            routing->AddNextHop(vip,
                                Ipv4Mask("/32"),
                                assigned.GetAddress(1),
                                assigned.Get(0).second);
        }
    }

    /// Routes one TCP packet of a flow and returns the chosen gateway's link, or -1.
    int Route(uint32_t source, uint16_t sourcePort)
    {
        Ipv4Header header;
        header.SetSource(Ipv4Address(source));
        header.SetDestination(vip);
        header.SetProtocol(6);
        uint8_t ports[4] = {static_cast<uint8_t>(sourcePort >> 8),
                            static_cast<uint8_t>(sourcePort & 0xff),
                            0,
                            80};
        auto packet = Create<Packet>(ports, sizeof(ports));
        int chosen = -1;
        bool taken = routing->RouteInput(
            packet,
            header,
            nullptr,
            MakeCallback(+[](int* out,
                             std::vector<uint32_t>* interfaces,
                             Ptr<Ipv4> ipv4,
                             Ptr<Ipv4Route> route,
                             Ptr<const Packet>,
                             const Ipv4Header&) {
                for (uint32_t i = 0; i < interfaces->size(); ++i)
                {
                    if (ipv4->GetNetDevice((*interfaces)[i]) == route->GetOutputDevice())
                    {
                        *out = static_cast<int>(i);
                    }
                }
            }).Bind(&chosen, &interfaces, nodes.Get(0)->GetObject<Ipv4>()),
            Ipv4RoutingProtocol::MulticastForwardCallback(),
            Ipv4RoutingProtocol::LocalDeliverCallback(),
            Ipv4RoutingProtocol::ErrorCallback());
        return taken ? chosen : -1;
    }
};

} // namespace

/**
 * \ingroup marl-lb-tests
 * The same flow always takes the same next hop; flows spread over all next hops.
 */
class FlowStickinessTestCase : public TestCase
{
  public:
    FlowStickinessTestCase()
        : TestCase("Same 5-tuple, same next hop; 4000 flows use all four")
    {
    }

  private:
    void DoRun() override
    {
        EcmpFixture fixture(7, HASH_FIVE_TUPLE);
        std::vector<uint32_t> perHop(4, 0);
        for (uint16_t port = 10000; port < 14000; ++port)
        {
            int first = fixture.Route(0x0a010001, port);
            NS_TEST_ASSERT_MSG_GT_OR_EQ(first, 0, "the VIP is routed");
            NS_TEST_ASSERT_MSG_EQ(fixture.Route(0x0a010001, port),
                                  first,
                                  "port " << port << " is stable");
            perHop[first]++;
        }
        for (uint32_t hop = 0; hop < 4; ++hop)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(perHop[hop], 1000, 100, "next hop " << hop << " share");
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup marl-lb-tests
 * HashFields selects the hashed fields: without ports, one client maps to one next hop.
 */
class HashFieldsTestCase : public TestCase
{
  public:
    HashFieldsTestCase()
        : TestCase("HashFields without ports maps a client to one next hop")
    {
    }

  private:
    void DoRun() override
    {
        EcmpFixture addressesOnly(7, HASH_SOURCE_ADDRESS | HASH_DESTINATION_ADDRESS);
        std::set<int> hops;
        for (uint16_t port = 10000; port < 10200; ++port)
        {
            hops.insert(addressesOnly.Route(0x0a010001, port));
        }
        NS_TEST_ASSERT_MSG_EQ(hops.size(), 1, "every port of one client takes one next hop");

        std::set<int> clientHops;
        for (uint32_t client = 0; client < 200; ++client)
        {
            clientHops.insert(addressesOnly.Route(0x0a010001 + (client << 8), 10000));
        }
        NS_TEST_ASSERT_MSG_EQ(clientHops.size(), 4, "different clients use every next hop");
        Simulator::Destroy();
    }
};

/**
 * \ingroup marl-lb-tests
 * Different seeds give independent mappings.
 */
class HashSeedTestCase : public TestCase
{
  public:
    HashSeedTestCase()
        : TestCase("Different hash seeds map flows independently")
    {
    }

  private:
    void DoRun() override
    {
        EcmpFixture first(1, HASH_FIVE_TUPLE);
        EcmpFixture second(2, HASH_FIVE_TUPLE, 19);
        uint32_t same = 0;
        for (uint16_t port = 10000; port < 14000; ++port)
        {
            same += first.Route(0x0a010001, port) == second.Route(0x0a010001, port);
        }
        // Independent choices among four agree a quarter of the time.
        NS_TEST_ASSERT_MSG_EQ_TOL(same, 1000, 120, "agreement of two seeds");
        Simulator::Destroy();
    }
};

/**
 * \ingroup marl-lb-tests
 * A next hop whose interface is down takes no flow; its flows move to the others.
 */
class NextHopDownTestCase : public TestCase
{
  public:
    NextHopDownTestCase()
        : TestCase("A next hop that goes down loses its flows to the others")
    {
    }

  private:
    void DoRun() override
    {
        EcmpFixture fixture(7, HASH_FIVE_TUPLE);
        std::vector<int> before;
        for (uint16_t port = 10000; port < 13000; ++port)
        {
            before.push_back(fixture.Route(0x0a010001, port));
        }
        fixture.nodes.Get(0)->GetObject<Ipv4>()->SetDown(fixture.interfaces[2]);
        std::vector<uint32_t> perHop(4, 0);
        uint32_t moved = 0;
        uint32_t onDownHop = 0;
        for (uint16_t port = 10000; port < 13000; ++port)
        {
            int after = fixture.Route(0x0a010001, port);
            perHop[after]++;
            int previous = before[port - 10000];
            onDownHop += previous == 2;
            moved += previous != 2 && after != previous;
        }
        NS_TEST_ASSERT_MSG_EQ(perHop[2], 0, "the down next hop takes nothing");
        NS_TEST_ASSERT_MSG_EQ(moved, 0, "flows of the other next hops keep their next hop");
        NS_TEST_ASSERT_MSG_EQ_TOL(onDownHop, 750, 100, "the down hop had its quarter of flows");
        for (uint32_t hop : {0, 1, 3})
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(perHop[hop], 1000, 100, "next hop " << hop << " share");
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup marl-lb-tests
 * Test suite of FlowEcmpRouting.
 */
class FlowEcmpTestSuite : public TestSuite
{
  public:
    FlowEcmpTestSuite()
        : TestSuite("marl-lb-flow-ecmp", UNIT)
    {
        AddTestCase(new FlowStickinessTestCase, TestCase::QUICK);
        AddTestCase(new HashFieldsTestCase, TestCase::QUICK);
        AddTestCase(new HashSeedTestCase, TestCase::QUICK);
        AddTestCase(new NextHopDownTestCase, TestCase::QUICK);
    }
};

/// Registers the suite.
static FlowEcmpTestSuite g_flowEcmpTestSuite;
