/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_TESTBED_HELPER_H
#define MARL_LB_TESTBED_HELPER_H

#include "apache-server.h"
#include "busy-worker-probe.h"
#include "http-trace-client.h"
#include "load-balancer.h"
#include "request-record.h"
#include "request-trace.h"

#include "ns3/callback.h"
#include "ns3/data-rate.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"
#include "ns3/object.h"

#include <map>
#include <utility>
#include <vector>

namespace ns3
{

class FlowEcmpRouting;
class GreL4Protocol;
class LbAgent;

/**
 * \ingroup marl-lb
 * \brief A built data-centre testbed: its nodes, applications and measurements.
 *
 * \verbatim
 *   client_0..c   ---+                 +--- LB_0..m   (VIP announced, GRE to servers)
 *                    |                 |
 *                    +-- edge router --+
 *                                      |
 *                                      +--- server_0..n (VIP on a GRE endpoint, reply to
 *                                                        clients directly)
 * \endverbatim
 *
 * Every node has one point-to-point link to the edge router. Client packets to the VIP reach
 * the router, which spreads flows over the load balancers by a 5-tuple hash; a load balancer
 * tunnels each flow to one server through the router; the server replies from the VIP
 * through the router straight to the client.
 */
class Testbed : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    ~Testbed() override;

    /**
     * \brief Gives the clients a trace to replay, spread over them request by request.
     *
     * Request i goes to client i mod (number of clients), keeping its time.
     * \param trace the requests
     * \param start when the replay's time zero is
     * \param stop when the clients stop; requests still running then are UNFINISHED
     */
    void ReplayTrace(const RequestTrace& trace, Time start, Time stop);

    /**
     * \brief Collects every client's records, each with the load balancer and server that
     * took its flow.
     * \return the records, ordered by client and then by trace order
     */
    std::vector<RequestRecord> CollectRecords() const;

    /// Ground truth of one server at one time.
    struct ServerSample
    {
        Time time;            //!< when the sample was taken
        uint32_t server;      //!< the server's index
        uint32_t busyWorkers; //!< workers holding a connection
        uint32_t backlog;     //!< connections in the accept queue
    };

    /**
     * \brief Samples every server's busy workers and backlog periodically, as the authors'
     * testbed polled its servers (every 200 ms).
     * \param interval the sampling period
     * \param stop when to stop sampling
     */
    void EnableServerSampling(Time interval, Time stop);

    /// \return the server samples taken so far, in time order
    const std::vector<ServerSample>& GetServerSamples() const;

    /**
     * \brief Sets a function that receives each request's record when the request ends, with
     * the load balancer and server that took its flow.
     * \param callback the function
     */
    void SetRequestEndedCallback(Callback<void, const RequestRecord&> callback);

    /**
     * \brief Assigns fixed random variable streams to the testbed's random variables.
     * \param stream first stream index to use
     * \return the number of streams used
     */
    int64_t AssignStreams(int64_t stream);

    NodeContainer clients;       //!< client nodes
    NodeContainer router;        //!< the edge router
    NodeContainer loadBalancers; //!< load balancer nodes
    NodeContainer servers;       //!< application server nodes
    Ipv4Address vip;             //!< the service's virtual IP
    uint16_t port{80};           //!< the service's port

    std::vector<Ptr<HttpTraceClient>> clientApps;    //!< one per client node
    std::vector<Ptr<LoadBalancer>> loadBalancerApps; //!< one per load balancer node
    std::vector<Ptr<ApacheServer>> serverApps;       //!< one per server node
    std::vector<Ptr<BusyWorkerProbe>> probeApps;     //!< one per load balancer node, if enabled
    std::vector<Ptr<LbAgent>> agentApps;             //!< one per load balancer, if an agent is set
    std::vector<Ipv4Address> serverAddresses;        //!< each server's own address (DIP)
    Ptr<FlowEcmpRouting> edgeRouting;                //!< the router's per-flow ECMP
    std::vector<Ptr<GreL4Protocol>> greEndpoints;    //!< each server's GRE endpoint

  protected:
    void DoDispose() override;

  private:
    friend class TestbedHelper;

    /**
     * \brief Notes which load balancer and server took a flow.
     * \param loadBalancer the load balancer's index
     * \param key the flow
     * \param server the server's position in the pool
     * \param bySyn unused
     */
    void NoteServerSelected(uint32_t loadBalancer, const FlowKey& key, uint32_t server, bool bySyn);
    /**
     * \brief Stores the path of a finished request.
     * \param record the request
     */
    void NoteRequestEnded(const RequestRecord& record);

    /**
     * \brief Takes one sample of every server and schedules the next.
     * \param interval the sampling period
     * \param stop when to stop
     */
    void SampleServers(Time interval, Time stop);

    std::vector<ServerSample> m_serverSamples;           //!< samples taken so far
    Callback<void, const RequestRecord&> m_requestEnded; //!< receives finished requests
    EventId m_samplingEvent;                             //!< next sampling

    /// Load balancer and server of each live flow.
    std::map<std::pair<uint64_t, uint64_t>, std::pair<uint32_t, uint32_t>> m_flowPath;
    /// Load balancer and server of each finished request, by (client node, request index).
    std::map<std::pair<uint32_t, uint64_t>, std::pair<uint32_t, uint32_t>> m_requestPath;
};

/**
 * \ingroup marl-lb
 * \brief Builds the study's testbed: clients, an edge router, load balancers and servers.
 *
 * Moderate() and Large() return the study's two configurations. Every count, the servers'
 * CPUs, the links, the VIP and the attributes of every application can be changed before
 * Build().
 */
class TestbedHelper
{
  public:
    /// Creates a helper with the moderate-scale configuration.
    TestbedHelper();

    /**
     * \brief The study's moderate scale: 1 client, 2 load balancers, 4 servers with 2 CPUs and
     * 3 with 4 CPUs.
     * \return the helper
     */
    static TestbedHelper Moderate();
    /**
     * \brief The study's large scale: 1 client, 6 load balancers, 12 servers with 4 CPUs and
     * 12 with 8 CPUs.
     * \return the helper
     */
    static TestbedHelper Large();

    /// \param count number of client nodes (at least 1)
    void SetClientCount(uint32_t count);
    /// \param count number of load balancers (at least 1)
    void SetLoadBalancerCount(uint32_t count);
    /// \param cpus one entry per server: its CPU count, also its static weight
    void SetServerCpus(const std::vector<uint32_t>& cpus);
    /// \return the CPU count of each server
    const std::vector<uint32_t>& GetServerCpus() const;
    /// \param rate data rate of every link
    void SetLinkDataRate(DataRate rate);
    /// \param delay propagation delay of every link
    void SetLinkDelay(Time delay);
    /**
     * \brief Sets the MTU of every link, and the TCP segment size of clients and servers to
     * MTU - 52 bytes (IPv4 and TCP headers with the timestamp option).
     *
     * 1500 by default, as on the study's testbed. Jumbo frames (9000) carry a response in
     * about a sixth of the packets, which makes the simulation faster but no longer the
     * study's network.
     * \param mtu the MTU in bytes, from 576 to 9000
     */
    void SetMtu(uint16_t mtu);
    /// \param vip the service's virtual IP; must lie outside 10.1.0.0/16 to 10.3.0.0/16
    void SetVip(Ipv4Address vip);
    /**
     * \brief Keeps ns-3's default queue discipline (FqCoDel) on the links.
     *
     * Off by default: the study's hosts had plain device queues on a lightly loaded fabric,
     * and the queue discipline costs about a quarter of the simulation time.
     * \param enable true to keep it
     */
    void SetEnableQueueDiscs(bool enable);

    /**
     * \brief Sets the dispatch policy of every load balancer.
     * \param policy a subclass of ns3::LbPolicy
     */
    void SetPolicy(TypeId policy);
    /**
     * \brief Sets an attribute of every load balancer's data plane (LbDataPlane).
     * \param name the attribute's name
     * \param value its value
     */
    void SetDataPlaneAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Sets an attribute of every load balancer (LoadBalancer).
     * \param name the attribute's name
     * \param value its value
     */
    void SetLoadBalancerAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Sets an attribute of every server (ApacheServer); Cpus comes from SetServerCpus.
     * \param name the attribute's name
     * \param value its value
     */
    void SetServerAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Sets an attribute of every client (HttpTraceClient).
     * \param name the attribute's name
     * \param value its value
     */
    void SetClientAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Sets an attribute of the edge router's FlowEcmpRouting.
     * \param name the attribute's name
     * \param value its value
     */
    void SetEdgeRoutingAttribute(const std::string& name, const AttributeValue& value);
    /**
     * \brief Installs a BusyWorkerProbe next to every load balancer, as AWCMP needs.
     *
     * Off by default. Each probe polls every server's status port (ApacheServer's ProbePort)
     * and writes the load balancer's weights.
     * \param enable true to install the probes
     */
    void SetEnableBusyWorkerProbe(bool enable);
    /**
     * \brief Sets an attribute of every BusyWorkerProbe; LoadBalancer is set by Build().
     * \param name the attribute's name
     * \param value its value
     */
    void SetBusyWorkerProbeAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Installs a learning agent of a type next to every load balancer.
     *
     * Build() sets each agent's LoadBalancer and places the agents in one team whose master
     * is the agent of load balancer 0 (LbAgent::SetTeam()). The agent types are in the
     * ns3-marl-lb-agents library, which the program must link: ns3::QmixAgent,
     * ns3::IndependentSacAgent and ns3::SingleSacAgent.
     * \param agent a subclass of ns3::LbAgent, or TypeId() for no agent (the default)
     */
    void SetAgent(TypeId agent);
    /**
     * \brief Sets an attribute of every agent; LoadBalancer is set by Build().
     * \param name the attribute's name
     * \param value its value
     */
    void SetAgentAttribute(const std::string& name, const AttributeValue& value);

    /// \return the number of load balancers
    uint32_t GetLoadBalancerCount() const;

    /// \return the total CPU count of the servers
    uint32_t GetTotalCpus() const;

    /**
     * \brief Creates the nodes, links, stacks, routes and applications.
     *
     * Servers, load balancers and busy-worker probes start at time zero; clients start when a
     * trace is given to Testbed::ReplayTrace.
     * \return the testbed
     */
    Ptr<Testbed> Build() const;

    /**
     * \brief Makes a node an endpoint of GRE tunnels with the VIP as a local address.
     *
     * Adds a VirtualNetDevice with the VIP (/32) and a GreL4Protocol that feeds it; the node
     * needs an IPv4 stack.
     * \param node the server node
     * \param vip the service's virtual IP
     * \return the node's GRE endpoint
     */
    static Ptr<GreL4Protocol> InstallGreEndpoint(Ptr<Node> node, Ipv4Address vip);

  private:
    uint32_t m_clients{1};               //!< client nodes
    uint32_t m_loadBalancers{2};         //!< load balancer nodes
    std::vector<uint32_t> m_serverCpus;  //!< CPUs of each server
    DataRate m_linkRate;                 //!< rate of every link
    Time m_linkDelay;                    //!< delay of every link
    Ipv4Address m_vip;                   //!< the service's virtual IP
    bool m_enableQueueDiscs{false};      //!< keep the default queue discipline
    uint16_t m_mtu{1500};                //!< MTU of every link
    bool m_enableBusyWorkerProbe{false}; //!< install a BusyWorkerProbe per load balancer
    ObjectFactory m_dataPlane;           //!< creates each load balancer's data plane
    ObjectFactory m_loadBalancer;        //!< creates the load balancers
    ObjectFactory m_server;              //!< creates the servers
    ObjectFactory m_client;              //!< creates the clients
    ObjectFactory m_edgeRouting;         //!< creates the router's per-flow ECMP
    ObjectFactory m_busyWorkerProbe;     //!< creates the busy-worker probes
    bool m_enableAgent{false};           //!< install an agent per load balancer
    ObjectFactory m_agent;               //!< creates the agents
};

} // namespace ns3

#endif // MARL_LB_TESTBED_HELPER_H
