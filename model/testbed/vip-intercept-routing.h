/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_VIP_INTERCEPT_ROUTING_H
#define MARL_LB_VIP_INTERCEPT_ROUTING_H

#include "ns3/callback.h"
#include "ns3/ipv4-address.h"
#include "ns3/ipv4-routing-protocol.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Hands the packets addressed to a VIP to a load balancer instead of routing them.
 *
 * This is where a software load balancer sits in a router's input path (VPP's load-balancer
 * plugin is a node on the IPv4 unicast input arc): packets to the VIP never reach the node's
 * own transport layer or its forwarding table. The node keeps its own addresses and routes for
 * everything else, such as probes and agent traffic.
 *
 * Install it in the node's Ipv4ListRouting at a priority above the other protocols. The VIP
 * must not be an address of the node, or Ipv4ListRouting delivers the packets locally first.
 */
class VipInterceptRouting : public Ipv4RoutingProtocol
{
  public:
    /**
     * Receives an intercepted packet (without its IPv4 header) and the header. Returns true
     * if it took the packet, or false to let the other routing protocols have it.
     */
    typedef Callback<bool, Ptr<const Packet>, const Ipv4Header&> InterceptCallback;

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    /**
     * \brief Sets the address whose packets are intercepted.
     * \param vip the virtual IP address of the service
     */
    void SetVip(Ipv4Address vip);
    /// \return the intercepted address
    Ipv4Address GetVip() const;

    /**
     * \brief Sets the receiver of intercepted packets; a null callback stops interception.
     * \param callback the receiver
     */
    void SetInterceptCallback(InterceptCallback callback);

    Ptr<Ipv4Route> RouteOutput(Ptr<Packet> p,
                               const Ipv4Header& header,
                               Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr) override;
    bool RouteInput(Ptr<const Packet> p,
                    const Ipv4Header& header,
                    Ptr<const NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address) override;
    void SetIpv4(Ptr<Ipv4> ipv4) override;
    void PrintRoutingTable(Ptr<OutputStreamWrapper> stream,
                           Time::Unit unit = Time::S) const override;

  protected:
    void DoDispose() override;

  private:
    Ipv4Address m_vip;             //!< intercepted destination address
    InterceptCallback m_intercept; //!< receiver of intercepted packets
};

} // namespace ns3

#endif // MARL_LB_VIP_INTERCEPT_ROUTING_H
