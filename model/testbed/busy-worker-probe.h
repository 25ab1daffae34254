/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_BUSY_WORKER_PROBE_H
#define MARL_LB_BUSY_WORKER_PROBE_H

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <string>
#include <vector>

namespace ns3
{

class LoadBalancer;
class Socket;

/**
 * \ingroup marl-lb
 * \brief AWCMP's weight source: polls every server's busy workers over TCP and sets the load
 * balancer's weights from them.
 *
 * Installed on a load balancer node next to its LoadBalancer, the probe keeps one persistent
 * TCP connection to each server's own address (DIP) on ProbePort, where ApacheServer runs its
 * status port. Every Interval it sends one line on each connection. For each reply
 * "busy=<N>" from server j it writes the weight staticWeight_j / (N + 1) with
 * LbDataPlane::SetWeight, which puts it into effect at the data plane's next weight-update
 * tick. A server that cannot be polled keeps its last weight.
 *
 * - The first tick is at the application's start. A line that falls due while its
 *   connection is being established is sent once the connection is up.
 * - A connection that fails, or that the server closes or resets, is reopened at the next
 *   tick. An attempt that is not established by the next tick counts as failed and is
 *   replaced by a new one.
 * - A reply that does not parse is counted and logged; the connection stays open.
 * - Servers added to the load balancer after the start are polled from the next tick.
 */
class BusyWorkerProbe : public Application
{
  public:
    /**
     * \brief TracedCallback signature for a parsed reply, fired after the weight is written.
     * \param [in] server position of the server in the load balancer's pool
     * \param [in] busyWorkers the server's busy workers, as it replied
     */
    typedef void (*BusyWorkersTracedCallback)(uint32_t server, uint32_t busyWorkers);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    BusyWorkerProbe();

    /// \return the number of replies parsed, over every server
    uint64_t GetReplies() const;
    /**
     * \param server position of the server in the load balancer's pool
     * \return the number of replies parsed from that server
     */
    uint64_t GetReplies(uint32_t server) const;
    /// \return the number of reply lines that did not parse
    uint64_t GetMalformedReplies() const;
    /// \return the number of connections opened again after a failure or close
    uint64_t GetReconnects() const;
    /**
     * \return the number of connections lost: attempts that failed or were not established
     * within an Interval, plus established connections that the server closed or reset
     */
    uint64_t GetConnectionFailures() const;

  protected:
    void DoDispose() override;

  private:
    /// The probe's connection to one server.
    struct ServerConnection
    {
        Ptr<Socket> socket;      //!< the connection; null while none is open or opening
        bool established{false}; //!< true once the connection is established
        bool probeDue{false};    //!< a line is to be sent once the connection is established
        bool opened{false};      //!< true once a first connection was opened
        std::string pending;     //!< reply bytes received after the last line feed
        bool discarding{false};  //!< drop bytes up to the next line feed: the line is too long
        uint64_t replies{0};     //!< replies parsed from this server
    };

    void StartApplication() override;
    void StopApplication() override;

    /// Sends one line to every server, or opens its connection, and schedules the next tick.
    void ProbeServers();
    /**
     * \brief Opens the connection to a server.
     * \param server position of the server in the pool
     */
    void Connect(uint32_t server);
    /**
     * \brief Sends one probe line on an established connection.
     * \param server position of the server in the pool
     */
    void SendProbe(uint32_t server);
    /**
     * \brief Detaches a connection's callbacks and closes it.
     * \param server position of the server in the pool
     */
    void CloseConnection(uint32_t server);

    /**
     * \brief Sends the line that fell due while the connection was being established.
     * \param server position of the server in the pool
     * \param socket the established connection
     */
    void HandleConnected(uint32_t server, Ptr<Socket> socket);
    /**
     * \brief Counts a lost connection; the next tick opens a new one.
     * \param server position of the server in the pool
     * \param socket the failed, closed or reset connection
     */
    void HandleConnectionLost(uint32_t server, Ptr<Socket> socket);
    /**
     * \brief Splits the received bytes into reply lines.
     * \param server position of the server in the pool
     * \param socket the connection with data to read
     */
    void HandleRead(uint32_t server, Ptr<Socket> socket);
    /**
     * \brief Parses one reply line and writes the server's weight.
     * \param server position of the server in the pool
     * \param line the line, without its line feed
     */
    void HandleReply(uint32_t server, const std::string& line);

    Ptr<LoadBalancer> m_loadBalancer;            //!< the load balancer whose weights are set
    Time m_interval;                             //!< period between two lines to a server
    uint16_t m_probePort;                        //!< the servers' status port
    std::vector<ServerConnection> m_connections; //!< connection to each server, by position
    EventId m_probeEvent;                        //!< next tick
    uint64_t m_replies{0};                       //!< replies parsed
    uint64_t m_malformedReplies{0};              //!< reply lines that did not parse
    uint64_t m_reconnects{0};                    //!< connections opened again
    uint64_t m_connectionFailures{0};            //!< connections failed, closed or reset

    TracedCallback<uint32_t, uint32_t> m_busyWorkersTrace; //!< reply parsed
};

} // namespace ns3

#endif // MARL_LB_BUSY_WORKER_PROBE_H
