/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_APACHE_SERVER_H
#define MARL_LB_APACHE_SERVER_H

#include "request-work.h"

#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/tcp-socket.h"
#include "ns3/traced-callback.h"
#include "ns3/traced-value.h"

#include <deque>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

class Socket;

/**
 * \ingroup marl-lb
 * \brief Web server modelled on Apache httpd with mpm_prefork, as in the study's testbed.
 *
 * - Workers: at most MaxWorkers connections are served at once, one per worker process.
 * - Listen backlog: established connections that find every worker busy wait in FIFO order,
 *   at most min(Backlog, SoMaxConn) of them (Linux's accept queue).
 * - Overflow: with AbortOnOverflow (net.ipv4.tcp_abort_on_overflow=1, the study's setting) a
 *   connection that finds the accept queue full is reset; without it the server ignores the
 *   SYN, and the client retransmits it after its SYN timeout, so the request is delayed.
 * - CPU: processor sharing among the workers that compute; each gets min(1, Cpus / computing)
 *   of a core.
 * - Work: a for-loop request costs n times IterationCost of CPU and returns the page's real
 *   body size. Wiki pages and static files cost fixed CPU times and sizes (attributes).
 *
 * A worker is busy from the moment it takes a connection from the queue until it has written
 * the whole response to the socket; reading the request counts as busy, as in Apache's
 * scoreboard. The connection then stays open for the client's close (the study's clients
 * reset it) or until KeepAliveTimeout.
 *
 * Status port: when ProbePort is not zero, the server also listens on that port, where a
 * BusyWorkerProbe polls it over TCP, as the study's AWCMP probed the number of busy Apache
 * workers (Yao et al., CIKM 2022). Each line that a peer sends there (any content, ended by a
 * line feed) gets one reply line "busy=<N>\n", where N is GetBusyWorkers() when the line
 * arrives. These connections are persistent, take no worker, never wait in the accept queue
 * and close when the peer closes.
 */
class ApacheServer : public Application
{
  public:
    /// Cause of a rejected connection.
    enum RejectReason
    {
        REJECT_SYN_IGNORED, //!< accept queue full without AbortOnOverflow: SYN ignored
        REJECT_RESET,       //!< accept queue full with AbortOnOverflow: connection reset
    };

    /**
     * \brief TracedCallback signature for a refused connection.
     * \param [in] client the client's address
     * \param [in] reason one of RejectReason
     */
    typedef void (*RejectTracedCallback)(const Address& client, int reason);

    /**
     * \brief TracedCallback signature for a served request.
     * \param [in] client the client's address
     * \param [in] url the request target
     * \param [in] cpuTime CPU time the request needed on one core
     * \param [in] responseBytes bytes of the response, headers included
     */
    typedef void (*RequestServedTracedCallback)(const Address& client,
                                                const std::string& url,
                                                Time cpuTime,
                                                uint64_t responseBytes);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    ApacheServer();

    /// \return the number of workers holding a connection
    uint32_t GetBusyWorkers() const;
    /// \return the number of connections waiting in the accept queue
    uint32_t GetBacklogLength() const;
    /// \return the number of workers computing (the processor-sharing population)
    uint32_t GetComputingWorkers() const;
    /// \return the number of responses written completely
    uint64_t GetServedRequests() const;
    /// \return the number of connections reset or SYNs ignored because the queue was full
    uint64_t GetRejectedConnections() const;
    /// \return the number of CPU cores
    uint32_t GetCpus() const;
    /// \return the number of status lines written on the probe port
    uint64_t GetProbesAnswered() const;
    /// \return the number of open connections on the probe port
    uint32_t GetProbeConnections() const;

    /**
     * \brief Computes the CPU time and response body size of a request.
     * \param url the request target
     * \param cpuTime [out] CPU time on one core
     * \param bodyBytes [out] response body size
     */
    void ComputeWork(const std::string& url, Time& cpuTime, uint64_t& bodyBytes) const;

  protected:
    void DoDispose() override;

  private:
    /// Life cycle of one connection.
    enum ConnectionState
    {
        QUEUED,    //!< in the accept queue
        READING,   //!< a worker reads the request
        COMPUTING, //!< a worker computes the response
        SENDING,   //!< a worker writes the response
        LINGERING, //!< response written; waiting for the client to close
        REJECTING, //!< to be reset when its first data arrives
    };

    /// One accepted connection.
    struct Connection
    {
        Ptr<Socket> socket;            //!< the connected socket
        Address client;                //!< the client's address
        ConnectionState state{QUEUED}; //!< where it is
        std::string request;           //!< bytes of the request read so far
        std::string url;               //!< request target, once parsed
        double remainingWork{0};       //!< CPU seconds still needed on one core
        Time cpuTime;                  //!< CPU time of the request
        std::string responseHeader;    //!< header bytes not yet written
        uint64_t bodyRemaining{0};     //!< body bytes not yet written
        uint64_t responseBytes{0};     //!< size of the whole response
        EventId keepAliveEvent;        //!< close after KeepAliveTimeout
        bool peerSentFin{false};       //!< true once the client's FIN arrived
    };

    void StartApplication() override;
    void StopApplication() override;

    /// \return the accept queue limit, min(Backlog, SoMaxConn)
    uint32_t GetEffectiveBacklog() const;

    /**
     * \brief Decides whether to accept a SYN, as the listening socket's connection-request callback.
     * \param socket the listening socket
     * \param client the client's address
     * \return false to ignore the SYN
     */
    bool HandleConnectionRequest(Ptr<Socket> socket, const Address& client);
    /**
     * \brief Queues, serves or rejects an established connection.
     * \param socket the new connected socket
     * \param client the client's address
     */
    void HandleAccept(Ptr<Socket> socket, const Address& client);
    /// \param socket a connected socket with data to read
    void HandleRead(Ptr<Socket> socket);
    /// \param socket a connected socket with room in its send buffer
    void HandleSendSpace(Ptr<Socket> socket, uint32_t available);
    /// \param socket a socket closed by the client or reset
    void HandleClose(Ptr<Socket> socket);
    /// \param socket a socket that the client closed, with FIN or (as ns-3 reports it) RST
    void HandlePeerClose(Ptr<Socket> socket);
    /**
     * \brief Notes the client's FIN; the State trace of a connected socket.
     * \param socket the socket
     * \param oldState the state left
     * \param newState the state entered
     */
    void HandleStateChange(Socket* socket,
                           TcpSocket::TcpStates_t oldState,
                           TcpSocket::TcpStates_t newState);

    /**
     * \brief Takes a new connection on the probe port; it never needs a worker.
     * \param socket the new connected socket
     * \param peer the prober's address
     */
    void HandleProbeAccept(Ptr<Socket> socket, const Address& peer);
    /**
     * \brief Writes one "busy=<N>" line for each line feed received.
     * \param socket a probe connection with data to read
     */
    void HandleProbeRead(Ptr<Socket> socket);
    /**
     * \brief Closes a probe connection that the peer closed or reset.
     * \param socket the probe connection
     */
    void HandleProbeClose(Ptr<Socket> socket);
    /**
     * \brief Detaches the callbacks of a probe connection, closes it and removes it from the
     * open probe connections.
     * \param socket the probe connection
     */
    void CloseProbeConnection(Ptr<Socket> socket);

    /**
     * \brief Gives free workers the oldest queued connections.
     */
    void DispatchQueue();
    /**
     * \brief Parses a complete request and starts its computation.
     * \param id the connection
     */
    void StartRequest(uint64_t id);
    /**
     * \brief Writes as much of the response as the send buffer takes.
     * \param id the connection
     */
    void SendResponse(uint64_t id);
    /**
     * \brief Frees the connection's worker, if it has one, and removes the connection.
     * \param id the connection
     */
    void Release(uint64_t id);

    /// Advances every computing request to now at the current processor-sharing rate.
    void AdvanceComputation();
    /// Schedules the next completion of a computing request.
    void ScheduleNextCompletion();
    /// Moves the requests whose work is done to the sending state.
    void CompleteComputation();

    uint16_t m_port;          //!< listening port
    uint32_t m_maxWorkers;    //!< worker processes
    uint32_t m_backlog;       //!< listen backlog
    uint32_t m_soMaxConn;     //!< net.core.somaxconn
    bool m_abortOnOverflow;   //!< net.ipv4.tcp_abort_on_overflow
    uint32_t m_cpus;          //!< CPU cores
    Time m_iterationCost;     //!< CPU time per for-loop iteration
    Time m_wikiPageCpuTime;   //!< CPU time of a wiki page
    uint32_t m_wikiPageBytes; //!< body size of a wiki page
    Time m_staticCpuTime;     //!< CPU time of a static file
    uint32_t m_staticBytes;   //!< body size of a static file
    Time m_keepAliveTimeout;  //!< idle time before the server closes a served connection
    uint32_t m_segmentSize;   //!< TCP maximum segment size
    uint16_t m_probePort;     //!< status port, 0 if disabled

    Ptr<Socket> m_listener;                             //!< the listening socket
    uint64_t m_nextId{0};                               //!< next connection id
    std::map<uint64_t, Connection> m_connections;       //!< open connections, by id
    std::unordered_map<Socket*, uint64_t> m_idOfSocket; //!< connection id of each socket
    std::deque<uint64_t> m_acceptQueue;                 //!< queued connections, oldest first
    std::vector<uint64_t> m_computing;                  //!< connections computing
    Time m_lastAdvance;                                 //!< time of the last AdvanceComputation
    EventId m_completionEvent;                          //!< next end of a computation
    uint64_t m_served{0};                               //!< responses written
    uint64_t m_rejected{0};                             //!< connections refused
    Ptr<Socket> m_probeListener;                        //!< listening socket of the status port
    std::set<Ptr<Socket>> m_probeSockets;               //!< open probe connections
    uint64_t m_probesAnswered{0};                       //!< status lines written

    TracedValue<uint32_t> m_busyWorkers;               //!< workers holding a connection
    TracedValue<uint32_t> m_backlogLength;             //!< connections in the accept queue
    TracedCallback<const Address&, int> m_rejectTrace; //!< connection refused
    TracedCallback<const Address&, const std::string&, Time, uint64_t>
        m_requestServedTrace; //!< response written
};

} // namespace ns3

#endif // MARL_LB_APACHE_SERVER_H
