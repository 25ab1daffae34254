/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_LOAD_BALANCER_H
#define MARL_LB_LOAD_BALANCER_H

#include "lb-data-plane.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/traced-callback.h"

#include <array>
#include <vector>

namespace ns3
{

class Ipv4;
class Ipv4Header;
class Packet;
class VipInterceptRouting;

/**
 * \ingroup marl-lb
 * \brief Layer-4 load balancer node: takes the VIP's packets and tunnels each flow to a server.
 *
 * The application hooks a VipInterceptRouting into the node's Ipv4ListRouting, so packets
 * addressed to the VIP reach it instead of the node's TCP or forwarding. For each TCP packet to
 * the service port it gets the flow's server from its LbDataPlane, then sends the unchanged
 * packet, IPv4 header included, inside a GRE header (RFC 2784, protocol type 0x0800) and a new
 * IPv4 header from the load balancer to the server's own address (DIP). Servers answer clients
 * directly, so the load balancer sees only the client-to-server direction.
 *
 * Packets it cannot serve are counted by cause and dropped.
 */
class LoadBalancer : public Application
{
  public:
    /// Cause of a dropped packet to the VIP.
    enum DropReason
    {
        DROP_NOT_TCP,      //!< not TCP, or a fragment without the TCP header
        DROP_WRONG_PORT,   //!< TCP to a port other than the service port
        DROP_NO_SERVER,    //!< the server pool is empty
        DROP_REASON_COUNT, //!< number of reasons
    };

    /**
     * \brief TracedCallback signature for a dropped packet.
     * \param [in] packet the packet, without its IPv4 header
     * \param [in] header its IPv4 header
     * \param [in] reason one of DropReason
     */
    typedef void (*DropTracedCallback)(Ptr<const Packet> packet,
                                       const Ipv4Header& header,
                                       int reason);

    /**
     * \brief TracedCallback signature for a tunnelled packet.
     * \param [in] key the packet's flow
     * \param [in] server position of the server in the pool
     */
    typedef void (*ForwardTracedCallback)(const FlowKey& key, uint32_t server);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    LoadBalancer();

    /**
     * \brief Adds an application server to the pool.
     * \param dip the server's own address, the far end of its GRE tunnel
     * \param staticWeight configured weight, proportional to the server's CPUs
     * \return the server's position in the pool
     */
    uint32_t AddServer(Ipv4Address dip, double staticWeight);

    /// \return the address of the server at a position in the pool
    Ipv4Address GetServerAddress(uint32_t server) const;
    /// \return the number of servers in the pool
    uint32_t GetServerCount() const;
    /// \return the decision core
    Ptr<LbDataPlane> GetDataPlane() const;
    /// \return the number of packets tunnelled to servers
    uint64_t GetForwardedPackets() const;
    /**
     * \param reason one of DropReason
     * \return the number of packets dropped for that reason
     */
    uint64_t GetDroppedPackets(DropReason reason) const;

    /**
     * \brief Assigns fixed random variable streams to the data plane's policy.
     * \param stream first stream index to use
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /**
     * \brief Dispatches one packet addressed to the VIP.
     * \param packet the packet without its IPv4 header
     * \param header its IPv4 header
     * \return true: the packet is consumed, tunnelled or dropped
     */
    bool HandleVipPacket(Ptr<const Packet> packet, const Ipv4Header& header);
    /// Ends idle flow entries and schedules the next sweep.
    void SweepFlowTable();
    /// Puts pending weights into effect and schedules the next tick.
    void WeightTick();

    Ipv4Address m_vip;                                 //!< the service's virtual IP
    uint16_t m_port;                                   //!< the service's TCP port
    Ipv4Address m_tunnelSource;                        //!< source address of the GRE packets
    Time m_sweepInterval;                              //!< period of the idle-entry sweep
    Ptr<LbDataPlane> m_dataPlane;                      //!< decision core
    std::vector<Ipv4Address> m_serverAddresses;        //!< DIP of each server, by position
    Ptr<Ipv4> m_ipv4;                                  //!< the node's IPv4 stack
    Ptr<VipInterceptRouting> m_intercept;              //!< the hook in the node's routing
    EventId m_sweepEvent;                              //!< next idle-entry sweep
    EventId m_weightEvent;                             //!< next weight-update tick
    uint64_t m_forwarded{0};                           //!< packets tunnelled
    std::array<uint64_t, DROP_REASON_COUNT> m_drops{}; //!< packets dropped, by reason

    TracedCallback<const FlowKey&, uint32_t> m_forwardTrace;               //!< tunnelled
    TracedCallback<Ptr<const Packet>, const Ipv4Header&, int> m_dropTrace; //!< dropped
};

} // namespace ns3

#endif // MARL_LB_LOAD_BALANCER_H
