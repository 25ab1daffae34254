/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "flow-ecmp-routing.h"

#include "ns3/ipv4-route.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/output-stream-wrapper.h"
#include "ns3/packet.h"
#include "ns3/uinteger.h"

#include <iomanip>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FlowEcmpRouting");

NS_OBJECT_ENSURE_REGISTERED(FlowEcmpRouting);

namespace
{
constexpr uint8_t TCP_PROTOCOL = 6;  //!< IP protocol number of TCP
constexpr uint8_t UDP_PROTOCOL = 17; //!< IP protocol number of UDP
} // namespace

TypeId
FlowEcmpRouting::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::FlowEcmpRouting")
            .SetParent<Ipv4RoutingProtocol>()
            .SetGroupName("MarlLb")
            .AddConstructor<FlowEcmpRouting>()
            .AddAttribute("HashSeed",
                          "Seed of the flow hash. Routers in series need different seeds, or "
                          "they make correlated choices.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&FlowEcmpRouting::m_hashSeed),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("HashFields",
                          "Bit mask of the fields that enter the hash: 1 source address, "
                          "2 destination address, 4 source port, 8 destination port, "
                          "16 protocol. 31, the 5-tuple, is the default.",
                          UintegerValue(HASH_FIVE_TUPLE),
                          MakeUintegerAccessor(&FlowEcmpRouting::m_hashFields),
                          MakeUintegerChecker<uint8_t>(1, HASH_FIVE_TUPLE))
            .AddTraceSource("NextHopSelected",
                            "A packet matched a route and got its next hop.",
                            MakeTraceSourceAccessor(&FlowEcmpRouting::m_nextHopSelectedTrace),
                            "ns3::FlowEcmpRouting::NextHopSelectedTracedCallback");
    return tid;
}

FlowEcmpRouting::FlowEcmpRouting()
    : m_hashSeed(0),
      m_hashFields(HASH_FIVE_TUPLE)
{
    NS_LOG_FUNCTION(this);
}

void
FlowEcmpRouting::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_ipv4 = nullptr;
    m_routes.clear();
    Ipv4RoutingProtocol::DoDispose();
}

void
FlowEcmpRouting::AddNextHop(Ipv4Address network,
                            Ipv4Mask mask,
                            Ipv4Address gateway,
                            uint32_t interface)
{
    NS_LOG_FUNCTION(this << network << mask << gateway << interface);
    network = network.CombineMask(mask);
    for (auto& route : m_routes)
    {
        if (route.network == network && route.mask == mask)
        {
            route.nextHops.push_back({gateway, interface});
            return;
        }
    }
    m_routes.push_back({network, mask, {{gateway, interface}}});
}

uint32_t
FlowEcmpRouting::SelectUpNextHop(const FlowKey& key, const std::vector<uint32_t>& up) const
{
    // Rendezvous hashing: each next hop scores the flow, and the highest score wins. A next
    // hop that goes down loses only its own flows; the others keep theirs.
    uint64_t flowHash = HashFlowKey(key, m_hashSeed, m_hashFields);
    uint32_t best = up.front();
    uint64_t bestScore = 0;
    for (uint32_t hop : up)
    {
        uint64_t score = MixHash64(flowHash ^ MixHash64(hop + 1));
        if (hop == up.front() || score > bestScore)
        {
            best = hop;
            bestScore = score;
        }
    }
    return best;
}

Ptr<Ipv4Route>
FlowEcmpRouting::Lookup(const Ipv4Header& header, const FlowKey& key)
{
    Ipv4Address destination = header.GetDestination();
    for (const auto& route : m_routes)
    {
        if (!route.mask.IsMatch(destination, route.network))
        {
            continue;
        }
        // Only next hops whose interface is up take part, so a failed link shifts its flows
        // to the others.
        std::vector<uint32_t> up;
        for (uint32_t i = 0; i < route.nextHops.size(); ++i)
        {
            if (m_ipv4->IsUp(route.nextHops[i].interface))
            {
                up.push_back(i);
            }
        }
        if (up.empty())
        {
            return nullptr;
        }
        uint32_t choice = SelectUpNextHop(key, up);
        const NextHop& hop = route.nextHops[choice];
        m_nextHopSelectedTrace(key, choice);

        auto ipv4Route = Create<Ipv4Route>();
        ipv4Route->SetDestination(destination);
        ipv4Route->SetGateway(hop.gateway);
        ipv4Route->SetOutputDevice(m_ipv4->GetNetDevice(hop.interface));
        ipv4Route->SetSource(m_ipv4->GetAddress(hop.interface, 0).GetLocal());
        NS_LOG_LOGIC("flow " << key << " to next hop " << choice << " via " << hop.gateway);
        return ipv4Route;
    }
    return nullptr;
}

Ptr<Ipv4Route>
FlowEcmpRouting::RouteOutput(Ptr<Packet> p,
                             const Ipv4Header& header,
                             Ptr<NetDevice> /* oif */,
                             Socket::SocketErrno& sockerr)
{
    NS_LOG_FUNCTION(this << header);
    FlowKey key;
    key.sourceAddress = header.GetSource().Get();
    key.destinationAddress = header.GetDestination().Get();
    key.protocol = header.GetProtocol();
    uint8_t ports[4];
    if (p && p->GetSize() >= 4 && (key.protocol == TCP_PROTOCOL || key.protocol == UDP_PROTOCOL))
    {
        p->CopyData(ports, 4);
        key.sourcePort = static_cast<uint16_t>((ports[0] << 8) | ports[1]);
        key.destinationPort = static_cast<uint16_t>((ports[2] << 8) | ports[3]);
    }
    Ptr<Ipv4Route> route = Lookup(header, key);
    sockerr = route ? Socket::ERROR_NOTERROR : Socket::ERROR_NOROUTETOHOST;
    return route;
}

bool
FlowEcmpRouting::RouteInput(Ptr<const Packet> p,
                            const Ipv4Header& header,
                            Ptr<const NetDevice> /* idev */,
                            UnicastForwardCallback ucb,
                            MulticastForwardCallback /* mcb */,
                            LocalDeliverCallback /* lcb */,
                            ErrorCallback /* ecb */)
{
    NS_LOG_FUNCTION(this << p << header);
    FlowKey key;
    key.sourceAddress = header.GetSource().Get();
    key.destinationAddress = header.GetDestination().Get();
    key.protocol = header.GetProtocol();
    // A non-first fragment carries no ports; it hashes on addresses and protocol alone.
    bool hasPorts = header.GetFragmentOffset() == 0
                 && (key.protocol == TCP_PROTOCOL || key.protocol == UDP_PROTOCOL)
                 && p->GetSize() >= 4;
    if (hasPorts)
    {
        uint8_t ports[4];
        p->CopyData(ports, 4);
        key.sourcePort = static_cast<uint16_t>((ports[0] << 8) | ports[1]);
        key.destinationPort = static_cast<uint16_t>((ports[2] << 8) | ports[3]);
    }
    Ptr<Ipv4Route> route = Lookup(header, key);
    if (!route)
    {
        return false;
    }
    ucb(route, p, header);
    return true;
}

void
FlowEcmpRouting::NotifyInterfaceUp(uint32_t /* interface */)
{
}

void
FlowEcmpRouting::NotifyInterfaceDown(uint32_t /* interface */)
{
}

void
FlowEcmpRouting::NotifyAddAddress(uint32_t /* interface */, Ipv4InterfaceAddress /* address */)
{
}

void
FlowEcmpRouting::NotifyRemoveAddress(uint32_t /* interface */, Ipv4InterfaceAddress /* address */)
{
}

void
FlowEcmpRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    NS_LOG_FUNCTION(this << ipv4);
    m_ipv4 = ipv4;
}

void
FlowEcmpRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit /* unit */) const
{
    std::ostream& os = *stream->GetStream();
    os << "FlowEcmpRouting, hash seed " << m_hashSeed << ", fields 0x" << std::hex
       << static_cast<uint32_t>(m_hashFields) << std::dec << "\n";
    for (const auto& route : m_routes)
    {
        os << route.network << "/" << route.mask.GetPrefixLength() << ":";
        for (const auto& hop : route.nextHops)
        {
            os << " " << hop.gateway << " (if " << hop.interface << ")";
        }
        os << "\n";
    }
}

} // namespace ns3
