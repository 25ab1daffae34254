/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "load-balancer.h"

#include "gre-header.h"
#include "vip-intercept-routing.h"

#include "ns3/ipv4-header.h"
#include "ns3/ipv4-list-routing.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LoadBalancer");

NS_OBJECT_ENSURE_REGISTERED(LoadBalancer);

namespace
{
constexpr uint8_t TCP_PROTOCOL = 6;         //!< IP protocol number of TCP
constexpr uint32_t TCP_FLAGS_OFFSET = 13;   //!< byte of the flags in the TCP header
constexpr int16_t INTERCEPT_PRIORITY = 100; //!< above static (0) and global (-10) routing
} // namespace

TypeId
LoadBalancer::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LoadBalancer")
            .SetParent<Application>()
            .SetGroupName("MarlLb")
            .AddConstructor<LoadBalancer>()
            .AddAttribute("Vip",
                          "Virtual IP address of the service.",
                          Ipv4AddressValue(Ipv4Address("10.255.0.1")),
                          MakeIpv4AddressAccessor(&LoadBalancer::m_vip),
                          MakeIpv4AddressChecker())
            .AddAttribute("Port",
                          "TCP port of the service; TCP packets to other VIP ports are dropped.",
                          UintegerValue(80),
                          MakeUintegerAccessor(&LoadBalancer::m_port),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("TunnelSource",
                          "Source address of the outer IPv4 header of GRE packets. The "
                          "default, 0.0.0.0, takes the address of the node's first "
                          "non-loopback interface.",
                          Ipv4AddressValue(Ipv4Address::GetAny()),
                          MakeIpv4AddressAccessor(&LoadBalancer::m_tunnelSource),
                          MakeIpv4AddressChecker())
            .AddAttribute("SweepInterval",
                          "Period at which entries idle for longer than the data plane's "
                          "IdleTimeout are removed.",
                          TimeValue(Seconds(1)),
                          MakeTimeAccessor(&LoadBalancer::m_sweepInterval),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("DataPlane",
                          "The decision core: flow table, policy and flow accounting.",
                          PointerValue(),
                          MakePointerAccessor(&LoadBalancer::m_dataPlane),
                          MakePointerChecker<LbDataPlane>())
            .AddTraceSource("Forward",
                            "A packet was tunnelled to its flow's server.",
                            MakeTraceSourceAccessor(&LoadBalancer::m_forwardTrace),
                            "ns3::LoadBalancer::ForwardTracedCallback")
            .AddTraceSource("Drop",
                            "A packet to the VIP was dropped.",
                            MakeTraceSourceAccessor(&LoadBalancer::m_dropTrace),
                            "ns3::LoadBalancer::DropTracedCallback");
    return tid;
}

LoadBalancer::LoadBalancer()
    : m_port(80),
      m_sweepInterval(Seconds(1)),
      m_dataPlane(CreateObject<LbDataPlane>())
{
    NS_LOG_FUNCTION(this);
}

void
LoadBalancer::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_sweepEvent.Cancel();
    m_weightEvent.Cancel();
    if (m_intercept)
    {
        m_intercept->SetInterceptCallback(VipInterceptRouting::InterceptCallback());
    }
    m_intercept = nullptr;
    m_ipv4 = nullptr;
    if (m_dataPlane)
    {
        m_dataPlane->Dispose();
    }
    m_dataPlane = nullptr;
    Application::DoDispose();
}

uint32_t
LoadBalancer::AddServer(Ipv4Address dip, double staticWeight)
{
    NS_LOG_FUNCTION(this << dip << staticWeight);
    uint32_t position = m_dataPlane->AddServer(dip.Get(), staticWeight);
    m_serverAddresses.push_back(dip);
    return position;
}

Ipv4Address
LoadBalancer::GetServerAddress(uint32_t server) const
{
    NS_ASSERT_MSG(server < m_serverAddresses.size(), "no server at position " << server);
    return m_serverAddresses[server];
}

uint32_t
LoadBalancer::GetServerCount() const
{
    return static_cast<uint32_t>(m_serverAddresses.size());
}

Ptr<LbDataPlane>
LoadBalancer::GetDataPlane() const
{
    return m_dataPlane;
}

uint64_t
LoadBalancer::GetForwardedPackets() const
{
    return m_forwarded;
}

uint64_t
LoadBalancer::GetDroppedPackets(DropReason reason) const
{
    NS_ASSERT(reason < DROP_REASON_COUNT);
    return m_drops[reason];
}

int64_t
LoadBalancer::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    return m_dataPlane->AssignStreams(stream);
}

void
LoadBalancer::StartApplication()
{
    NS_LOG_FUNCTION(this);
    Ptr<Node> node = GetNode();
    m_ipv4 = node->GetObject<Ipv4>();
    if (!m_ipv4)
    {
        NS_FATAL_ERROR("LoadBalancer on node " << node->GetId()
                                               << " needs an IPv4 stack; install the internet "
                                                  "stack on the node first");
    }
    auto list = DynamicCast<Ipv4ListRouting>(m_ipv4->GetRoutingProtocol());
    if (!list)
    {
        NS_FATAL_ERROR("LoadBalancer on node "
                       << node->GetId()
                       << " needs Ipv4ListRouting to hook into; install the internet stack "
                          "with an Ipv4ListRoutingHelper, as TestbedHelper does");
    }
    if (m_ipv4->GetInterfaceForAddress(m_vip) >= 0)
    {
        NS_FATAL_ERROR("LoadBalancer VIP " << m_vip << " is an address of node " << node->GetId()
                                           << "; the load balancer must not own the VIP, or "
                                              "the node's TCP takes the packets");
    }
    if (m_tunnelSource == Ipv4Address::GetAny())
    {
        for (uint32_t i = 0; i < m_ipv4->GetNInterfaces(); ++i)
        {
            if (m_ipv4->GetNAddresses(i) > 0 && !m_ipv4->GetAddress(i, 0).GetLocal().IsLocalhost())
            {
                m_tunnelSource = m_ipv4->GetAddress(i, 0).GetLocal();
                break;
            }
        }
        if (m_tunnelSource == Ipv4Address::GetAny())
        {
            NS_FATAL_ERROR("LoadBalancer on node " << node->GetId()
                                                   << " has no interface address to send GRE "
                                                      "from; assign one or set TunnelSource");
        }
    }
    m_dataPlane->Initialize();

    m_intercept = CreateObject<VipInterceptRouting>();
    m_intercept->SetVip(m_vip);
    m_intercept->SetInterceptCallback(MakeCallback(&LoadBalancer::HandleVipPacket, this));
    list->AddRoutingProtocol(m_intercept, INTERCEPT_PRIORITY);
    NS_LOG_INFO("load balancer on node " << node->GetId() << " serves " << m_vip << ":" << m_port
                                         << " with " << m_serverAddresses.size()
                                         << " servers, policy "
                                         << m_dataPlane->GetPolicy()->GetName());
    m_sweepEvent = Simulator::Schedule(m_sweepInterval, &LoadBalancer::SweepFlowTable, this);
    Time tick = m_dataPlane->GetWeightUpdateInterval();
    if (tick.IsStrictlyPositive())
    {
        m_weightEvent = Simulator::Schedule(tick, &LoadBalancer::WeightTick, this);
    }
}

void
LoadBalancer::WeightTick()
{
    m_dataPlane->ApplyPendingWeights();
    m_weightEvent = Simulator::Schedule(m_dataPlane->GetWeightUpdateInterval(),
                                        &LoadBalancer::WeightTick,
                                        this);
}

void
LoadBalancer::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_sweepEvent.Cancel();
    m_weightEvent.Cancel();
    if (m_intercept)
    {
        // Ipv4ListRouting cannot remove a protocol; a hook without receiver lets packets pass.
        m_intercept->SetInterceptCallback(VipInterceptRouting::InterceptCallback());
    }
}

void
LoadBalancer::SweepFlowTable()
{
    uint32_t removed = m_dataPlane->ExpireIdleFlows(Simulator::Now());
    if (removed > 0)
    {
        NS_LOG_LOGIC("idle sweep removed " << removed << " entries");
    }
    m_sweepEvent = Simulator::Schedule(m_sweepInterval, &LoadBalancer::SweepFlowTable, this);
}

bool
LoadBalancer::HandleVipPacket(Ptr<const Packet> packet, const Ipv4Header& header)
{
    NS_LOG_FUNCTION(this << packet << header);
    uint8_t tcp[TCP_FLAGS_OFFSET + 1];
    if (header.GetProtocol() != TCP_PROTOCOL || header.GetFragmentOffset() != 0
        || packet->GetSize() < sizeof(tcp))
    {
        m_drops[DROP_NOT_TCP]++;
        m_dropTrace(packet, header, DROP_NOT_TCP);
        return true;
    }
    packet->CopyData(tcp, sizeof(tcp));
    FlowKey key;
    key.sourceAddress = header.GetSource().Get();
    key.destinationAddress = header.GetDestination().Get();
    key.sourcePort = static_cast<uint16_t>((tcp[0] << 8) | tcp[1]);
    key.destinationPort = static_cast<uint16_t>((tcp[2] << 8) | tcp[3]);
    key.protocol = TCP_PROTOCOL;
    if (key.destinationPort != m_port)
    {
        m_drops[DROP_WRONG_PORT]++;
        m_dropTrace(packet, header, DROP_WRONG_PORT);
        return true;
    }

    uint32_t server = m_dataPlane->ProcessPacket(key, tcp[TCP_FLAGS_OFFSET], Simulator::Now());
    if (server == LbDataPlane::NO_SERVER)
    {
        m_drops[DROP_NO_SERVER]++;
        m_dropTrace(packet, header, DROP_NO_SERVER);
        return true;
    }

    Ptr<Packet> tunnelled = packet->Copy();
    Ipv4Header inner = header;
    if (Node::ChecksumEnabled())
    {
        inner.EnableChecksum();
    }
    tunnelled->AddHeader(inner);
    GreHeader gre;
    gre.SetProtocolType(GreHeader::PROTOCOL_IPV4);
    tunnelled->AddHeader(gre);
    m_ipv4->Send(tunnelled,
                 m_tunnelSource,
                 m_serverAddresses[server],
                 GreHeader::IP_PROTOCOL_NUMBER,
                 nullptr);
    m_forwarded++;
    m_forwardTrace(key, server);
    return true;
}

} // namespace ns3
