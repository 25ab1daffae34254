/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_LB_DATA_PLANE_H
#define MARL_LB_LB_DATA_PLANE_H

#include "flow-key.h"
#include "flow-table.h"
#include "lb-policy.h"
#include "maglev-table.h"
#include "reservoir-sampler.h"
#include "server-features.h"
#include "server-state.h"

#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Decision core of a layer-4 load balancer: flow table, policy and flow accounting.
 *
 * The core receives only the client-to-server direction, one packet at a time, as a flow key,
 * the TCP flags and the arrival time. It has no ns3::Packet in its interface, so the ns-3
 * node, the benchmarks and the emulation bridge run the same code.
 *
 * For each packet it returns the server of the packet's flow:
 * - a SYN of an unknown flow gets its server from the policy, stored in the flow table;
 * - a packet of a known flow follows the stored entry;
 * - any other packet of an unknown flow (after a restart of the load balancer, or after its
 *   entry timed out) gets the consistent-hash server, which is the same on every load
 *   balancer, so established connections survive.
 *
 * Flow accounting: a flow counts as on-going on its server from the client's first ACK after
 * the SYN until the client's RST or FIN, or until the entry has been idle for IdleTimeout.
 * Every later client ACK of an on-going flow offers a flow-duration sample (now minus the
 * arrival of the flow's SYN, in seconds) to the server's reservoir; GetFeatures() turns the
 * reservoirs into the six features per server that the learning agents observe.
 *
 * Weights: SetWeight() writes a weight that takes effect at the next weight-update tick
 * (ApplyPendingWeights(), which the LoadBalancer application calls every
 * WeightUpdateInterval), as the authors' data plane applies new weights on its own period.
 * A WeightUpdateInterval of zero applies weights at once.
 */
class LbDataPlane : public Object
{
  public:
    /// Marks a packet that no server can take (the pool is empty).
    static constexpr uint32_t NO_SERVER = MaglevTable::NO_SERVER;

    /// TCP flag bits as they appear in byte 13 of the TCP header.
    enum TcpFlag : uint8_t
    {
        TCP_FIN = 0x01,
        TCP_SYN = 0x02,
        TCP_RST = 0x04,
        TCP_ACK = 0x10,
    };

    /// Cause of the end of a flow's entry.
    enum FlowEndCause
    {
        FLOW_END_RST,     //!< the client sent RST
        FLOW_END_FIN,     //!< the client sent FIN
        FLOW_END_TIMEOUT, //!< the entry stayed idle for IdleTimeout
    };

    /**
     * \brief TracedCallback signature for a new flow's server choice.
     * \param [in] key the flow
     * \param [in] server position of the chosen server
     * \param [in] bySyn true if the policy chose (SYN), false for the consistent-hash fallback
     */
    typedef void (*ServerSelectedTracedCallback)(const FlowKey& key, uint32_t server, bool bySyn);

    /**
     * \brief TracedCallback signature for a weight taking effect.
     * \param [in] server position of the server
     * \param [in] weight the weight now in effect
     */
    typedef void (*WeightAppliedTracedCallback)(uint32_t server, double weight);

    /**
     * \brief TracedCallback signature for the end of a flow's entry.
     * \param [in] key the flow
     * \param [in] server position of the flow's server
     * \param [in] duration time from the entry's creation to its end
     * \param [in] cause one of FlowEndCause
     */
    typedef void (*FlowEndedTracedCallback)(const FlowKey& key,
                                            uint32_t server,
                                            Time duration,
                                            int cause);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    LbDataPlane();

    /**
     * \brief Adds an application server to the pool.
     *
     * Rebuilds the consistent-hash table; flows already in the flow table keep their server.
     * \param id stable identifier, for example the server's IPv4 address as an integer
     * \param staticWeight configured weight, proportional to the server's CPUs; must be > 0
     * \return the server's position, used in every other call and trace
     */
    uint32_t AddServer(uint64_t id, double staticWeight);

    /**
     * \brief Dispatches one client-to-server packet.
     * \param key the packet's flow
     * \param tcpFlags the TCP flags byte
     * \param now arrival time
     * \return the position of the server, or NO_SERVER if the pool is empty
     */
    uint32_t ProcessPacket(const FlowKey& key, uint8_t tcpFlags, Time now);

    /**
     * \brief Ends every entry idle for longer than IdleTimeout.
     * \param now the current time
     * \return the number of entries removed
     */
    uint32_t ExpireIdleFlows(Time now);

    /**
     * \brief Writes a new weight for a server, in effect from the next weight-update tick.
     *
     * A later write before the tick replaces an earlier one. With a WeightUpdateInterval of
     * zero the weight takes effect at once.
     * \param server position of the server
     * \param weight new weight; must be > 0
     */
    void SetWeight(uint32_t server, double weight);

    /**
     * \brief Puts the weights written since the last tick into effect.
     * \return the number of servers whose weight changed
     */
    uint32_t ApplyPendingWeights();

    /// \return the period of the weight-update tick; zero means weights apply at once
    Time GetWeightUpdateInterval() const;

    /**
     * \brief Computes the six features of every server.
     * \param now the time the features describe
     * \return one entry per server, by position
     */
    std::vector<ServerFeatures> GetFeatures(Time now) const;

    /**
     * \param server position of the server
     * \return the server's reservoir of flow-duration samples
     */
    const ReservoirSampler& GetReservoir(uint32_t server) const;

    /// \return every server with this data plane's counters
    const std::vector<ServerState>& GetServers() const;
    /// \return the number of entries in the flow table
    std::size_t GetFlowCount() const;
    /// \return the dispatch policy
    Ptr<LbPolicy> GetPolicy() const;
    /**
     * \brief Replaces the dispatch policy.
     * \param policy the new policy; flows already dispatched keep their server
     */
    void SetPolicy(Ptr<LbPolicy> policy);
    /// \return the consistent-hash table
    const MaglevTable& GetMaglevTable() const;
    /// \return the number of entries ended by the idle timeout since the start
    uint64_t GetTimedOutFlows() const;

    /**
     * \brief Assigns fixed random variable streams to the policy.
     * \param stream first stream index to use
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoInitialize() override;
    void DoDispose() override;

  private:
    /**
     * \brief Creates the policy of the given type; the setter of the Policy attribute.
     * \param policyType a subclass of LbPolicy
     */
    void SetPolicyType(TypeId policyType);
    /// \return the TypeId of the policy
    TypeId GetPolicyType() const;
    /// Rebuilds the consistent-hash table from the server list.
    void RebuildMaglevTable();
    /**
     * \brief Updates the counters and traces for an entry that ends; the caller removes it.
     * \param key the flow
     * \param entry its entry
     * \param now the current time
     * \param cause why the entry ends
     */
    void EndFlow(const FlowKey& key, const FlowEntry& entry, Time now, FlowEndCause cause);
    /// \return a uniform number in [0, 1) for the reservoirs, from a fast generator
    double NextSampleDraw();

    Ptr<LbPolicy> m_policy;                     //!< the dispatch policy
    Time m_idleTimeout;                         //!< idle time after which an entry ends
    Time m_closingTimeout;                      //!< how long an entry stays after the client's FIN
    uint32_t m_maglevSize;                      //!< slots of the consistent-hash table
    uint64_t m_hashSeed;                        //!< seed of the flow hash for the table lookup
    MaglevTable m_maglev;                       //!< consistent-hash table over the servers
    std::vector<ServerState> m_servers;         //!< the pool, with this data plane's counters
    FlowTable m_flows;                          //!< the flow table
    uint64_t m_timedOutFlows{0};                //!< entries ended by the idle timeout
    Time m_weightUpdateInterval;                //!< period of the weight-update tick
    std::vector<double> m_pendingWeights;       //!< weight written per server, 0 if none
    uint32_t m_reservoirSize;                   //!< slots of each server's reservoir
    double m_keepProbability;                   //!< chance that a sample enters a reservoir
    double m_discountBase;                      //!< base of the age discount of features
    std::vector<ReservoirSampler> m_reservoirs; //!< flow-duration samples per server
    Ptr<UniformRandomVariable> m_sampleRandom;  //!< seeds the reservoirs' generator
    uint64_t m_sampleState{0};                  //!< xorshift64* state, 0 until seeded

    TracedCallback<const FlowKey&, uint32_t, bool> m_serverSelectedTrace; //!< new flow dispatched
    TracedCallback<const FlowKey&, uint32_t, Time, int> m_flowEndedTrace; //!< entry ended
    TracedCallback<uint32_t, double> m_weightAppliedTrace;                //!< weight in effect
};

} // namespace ns3

#endif // MARL_LB_LB_DATA_PLANE_H
