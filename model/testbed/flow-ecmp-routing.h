/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_FLOW_ECMP_ROUTING_H
#define MARL_LB_FLOW_ECMP_ROUTING_H

#include "flow-key.h"

#include "ns3/ipv4-address.h"
#include "ns3/ipv4-routing-protocol.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Per-flow ECMP routing for the edge router: one prefix, several next hops.
 *
 * Every load balancer announces the service's VIP; the edge router spreads flows over them by
 * a seeded hash of the 5-tuple (rendezvous hashing over the next hops that are up), so all
 * packets of one flow reach the same load balancer.
 * ns-3's global routing only offers per-packet random ECMP, which would split a TCP
 * connection over several load balancers.
 *
 * Install it in an Ipv4ListRouting at a priority above the node's static or global routing;
 * it answers only for its own prefixes and leaves every other packet to the next protocol.
 */
class FlowEcmpRouting : public Ipv4RoutingProtocol
{
  public:
    /**
     * \brief TracedCallback signature for a forwarded packet.
     * \param [in] key the packet's flow
     * \param [in] nextHop position of the chosen next hop in the route's list
     */
    typedef void (*NextHopSelectedTracedCallback)(const FlowKey& key, uint32_t nextHop);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FlowEcmpRouting();

    /**
     * \brief Adds a next hop for a prefix.
     * \param network destination prefix, for example the VIP
     * \param mask prefix mask (Ipv4Mask("/32") for one address)
     * \param gateway the next hop's address on the link
     * \param interface the outgoing Ipv4 interface index
     */
    void AddNextHop(Ipv4Address network, Ipv4Mask mask, Ipv4Address gateway, uint32_t interface);

    /**
     * \brief Chooses a next hop for a flow among those that are up, as RouteInput does.
     *
     * Rendezvous (highest random weight) hashing over the next hops' positions: when a next
     * hop goes down, only its flows move, spread over the others.
     * \param key the flow
     * \param up positions of the next hops whose interface is up; must not be empty
     * \return one of \p up
     */
    uint32_t SelectUpNextHop(const FlowKey& key, const std::vector<uint32_t>& up) const;

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
    /// One next hop of a route.
    struct NextHop
    {
        Ipv4Address gateway; //!< address of the next hop on the link
        uint32_t interface;  //!< outgoing interface index
    };

    /// A prefix and its next hops.
    struct Route
    {
        Ipv4Address network;           //!< destination prefix
        Ipv4Mask mask;                 //!< prefix mask
        std::vector<NextHop> nextHops; //!< candidates, in the order they were added
    };

    /**
     * \brief Builds the route of a flow.
     * \param header the packet's IPv4 header
     * \param key the packet's flow
     * \return the route, or nullptr if no prefix matches or every next hop is down
     */
    Ptr<Ipv4Route> Lookup(const Ipv4Header& header, const FlowKey& key);

    Ptr<Ipv4> m_ipv4;            //!< the node's IPv4 stack
    std::vector<Route> m_routes; //!< the routes, searched in order
    uint64_t m_hashSeed;         //!< seed of the flow hash
    uint8_t m_hashFields;        //!< FlowHashField mask of the hashed fields

    TracedCallback<const FlowKey&, uint32_t> m_nextHopSelectedTrace; //!< packet forwarded
};

} // namespace ns3

#endif // MARL_LB_FLOW_ECMP_ROUTING_H
