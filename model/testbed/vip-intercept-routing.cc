/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "vip-intercept-routing.h"

#include "ns3/ipv4-route.h"
#include "ns3/log.h"
#include "ns3/output-stream-wrapper.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("VipInterceptRouting");

NS_OBJECT_ENSURE_REGISTERED(VipInterceptRouting);

TypeId
VipInterceptRouting::GetTypeId()
{
    static TypeId tid = TypeId("ns3::VipInterceptRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("MarlLb")
                            .AddConstructor<VipInterceptRouting>();
    return tid;
}

void
VipInterceptRouting::DoDispose()
{
    m_intercept = MakeNullCallback<bool, Ptr<const Packet>, const Ipv4Header&>();
    Ipv4RoutingProtocol::DoDispose();
}

void
VipInterceptRouting::SetVip(Ipv4Address vip)
{
    m_vip = vip;
}

Ipv4Address
VipInterceptRouting::GetVip() const
{
    return m_vip;
}

void
VipInterceptRouting::SetInterceptCallback(InterceptCallback callback)
{
    m_intercept = callback;
}

Ptr<Ipv4Route>
VipInterceptRouting::RouteOutput(Ptr<Packet> /* p */,
                                 const Ipv4Header& /* header */,
                                 Ptr<NetDevice> /* oif */,
                                 Socket::SocketErrno& sockerr)
{
    // Locally sent packets are routed by the node's other protocols.
    sockerr = Socket::ERROR_NOROUTETOHOST;
    return nullptr;
}

bool
VipInterceptRouting::RouteInput(Ptr<const Packet> p,
                                const Ipv4Header& header,
                                Ptr<const NetDevice> /* idev */,
                                UnicastForwardCallback /* ucb */,
                                MulticastForwardCallback /* mcb */,
                                LocalDeliverCallback /* lcb */,
                                ErrorCallback /* ecb */)
{
    if (header.GetDestination() != m_vip || m_intercept.IsNull())
    {
        return false;
    }
    return m_intercept(p, header);
}

void
VipInterceptRouting::NotifyInterfaceUp(uint32_t /* interface */)
{
}

void
VipInterceptRouting::NotifyInterfaceDown(uint32_t /* interface */)
{
}

void
VipInterceptRouting::NotifyAddAddress(uint32_t /* interface */, Ipv4InterfaceAddress /* address */)
{
}

void
VipInterceptRouting::NotifyRemoveAddress(uint32_t /* interface */,
                                         Ipv4InterfaceAddress /* address */)
{
}

void
VipInterceptRouting::SetIpv4(Ptr<Ipv4> /* ipv4 */)
{
}

void
VipInterceptRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit /* unit */) const
{
    *stream->GetStream() << "VipInterceptRouting: packets to " << m_vip
                         << (m_intercept.IsNull() ? " pass (no load balancer)"
                                                  : " go to the load balancer")
                         << "\n";
}

} // namespace ns3
