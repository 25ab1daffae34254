/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "gre-l4-protocol.h"

#include "gre-header.h"

#include "ns3/ipv4-header.h"
#include "ns3/log.h"
#include "ns3/packet.h"
#include "ns3/virtual-net-device.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("GreL4Protocol");

NS_OBJECT_ENSURE_REGISTERED(GreL4Protocol);

const uint8_t GreL4Protocol::PROT_NUMBER = GreHeader::IP_PROTOCOL_NUMBER;

namespace
{
constexpr uint32_t MIN_IPV4_HEADER_SIZE = 20; //!< IPv4 header without options
} // namespace

TypeId
GreL4Protocol::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::GreL4Protocol")
            .SetParent<IpL4Protocol>()
            .SetGroupName("MarlLb")
            .AddConstructor<GreL4Protocol>()
            .AddTraceSource("Decapsulate",
                            "An inner IPv4 packet was handed to the tunnel device.",
                            MakeTraceSourceAccessor(&GreL4Protocol::m_decapsulateTrace),
                            "ns3::Packet::TracedCallback")
            .AddTraceSource("Drop",
                            "A malformed GRE packet was dropped.",
                            MakeTraceSourceAccessor(&GreL4Protocol::m_dropTrace),
                            "ns3::GreL4Protocol::DropTracedCallback");
    return tid;
}

GreL4Protocol::GreL4Protocol()
{
    NS_LOG_FUNCTION(this);
}

void
GreL4Protocol::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_device = nullptr;
    m_downTarget = IpL4Protocol::DownTargetCallback();
    m_downTarget6 = IpL4Protocol::DownTargetCallback6();
    IpL4Protocol::DoDispose();
}

void
GreL4Protocol::SetTunnelDevice(Ptr<VirtualNetDevice> device)
{
    m_device = device;
}

Ptr<VirtualNetDevice>
GreL4Protocol::GetTunnelDevice() const
{
    return m_device;
}

uint64_t
GreL4Protocol::GetDecapsulatedPackets() const
{
    return m_decapsulated;
}

uint64_t
GreL4Protocol::GetDroppedPackets(DropReason reason) const
{
    NS_ASSERT(reason < DROP_REASON_COUNT);
    return m_drops[reason];
}

int
GreL4Protocol::GetProtocolNumber() const
{
    return PROT_NUMBER;
}

IpL4Protocol::RxStatus
GreL4Protocol::Drop(Ptr<const Packet> packet, DropReason reason)
{
    NS_LOG_LOGIC("GRE packet dropped, reason " << reason);
    m_drops[reason]++;
    m_dropTrace(packet, reason);
    return IpL4Protocol::RX_ENDPOINT_UNREACH;
}

IpL4Protocol::RxStatus
GreL4Protocol::Receive(Ptr<Packet> p,
                       const Ipv4Header& header,
                       Ptr<Ipv4Interface> /* incomingInterface */)
{
    NS_LOG_FUNCTION(this << p << header);
    if (!m_device)
    {
        return Drop(p, DROP_NO_DEVICE);
    }
    GreHeader gre;
    if (p->GetSize() < gre.GetSerializedSize())
    {
        return Drop(p, DROP_TRUNCATED);
    }
    p->PeekHeader(gre);
    if (!gre.IsValid())
    {
        return Drop(p, DROP_BAD_HEADER);
    }
    if (gre.GetProtocolType() != GreHeader::PROTOCOL_IPV4)
    {
        return Drop(p, DROP_NOT_IPV4);
    }
    if (p->GetSize() < gre.GetSerializedSize() + MIN_IPV4_HEADER_SIZE)
    {
        return Drop(p, DROP_TRUNCATED);
    }
    Ptr<Packet> inner = p->Copy();
    inner->RemoveHeader(gre);
    m_decapsulated++;
    m_decapsulateTrace(inner);
    m_device->Receive(inner,
                      GreHeader::PROTOCOL_IPV4,
                      m_device->GetAddress(),
                      m_device->GetAddress(),
                      NetDevice::PACKET_HOST);
    return IpL4Protocol::RX_OK;
}

IpL4Protocol::RxStatus
GreL4Protocol::Receive(Ptr<Packet> p,
                       const Ipv6Header& /* header */,
                       Ptr<Ipv6Interface> /* incomingInterface */)
{
    // GRE over IPv6 is not modelled; the study's testbed tunnels over IPv4 only.
    return Drop(p, DROP_NOT_IPV4);
}

void
GreL4Protocol::SetDownTarget(IpL4Protocol::DownTargetCallback cb)
{
    m_downTarget = cb;
}

void
GreL4Protocol::SetDownTarget6(IpL4Protocol::DownTargetCallback6 cb)
{
    m_downTarget6 = cb;
}

IpL4Protocol::DownTargetCallback
GreL4Protocol::GetDownTarget() const
{
    return m_downTarget;
}

IpL4Protocol::DownTargetCallback6
GreL4Protocol::GetDownTarget6() const
{
    return m_downTarget6;
}

} // namespace ns3
