/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_HTTP_TRACE_CLIENT_H
#define MARL_LB_HTTP_TRACE_CLIENT_H

#include "request-record.h"
#include "request-trace.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/tcp-socket.h"
#include "ns3/traced-callback.h"

#include <map>
#include <unordered_map>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Open-loop HTTP client that replays a request trace, one TCP connection per request.
 *
 * At each request's trace time (counted from the application's start) the client opens a new
 * connection to the service, sends one HTTP/1.1 GET, reads the response and then resets the
 * connection, as the study's clients did with SO_LINGER 0: the load balancer sees the reset
 * as the end of the flow, and no side keeps TIME_WAIT state. The reset comes from closing the
 * socket while the response's last byte is still unread, which is what Linux does too.
 *
 * Every request of the trace gets a RequestRecord: completed ones with their job completion
 * time, failed ones with their outcome. Requests still running when the application stops
 * are recorded as UNFINISHED.
 */
class HttpTraceClient : public Application
{
  public:
    /**
     * \brief TracedCallback signature for a finished request, completed or not.
     * \param [in] record the request's record
     */
    typedef void (*RequestEndedTracedCallback)(const RequestRecord& record);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    HttpTraceClient();

    /**
     * \brief Sets the requests to replay; call before the application starts.
     * \param trace the trace
     */
    void SetTrace(const RequestTrace& trace);

    /// \return one record per request started so far, in trace order
    const std::vector<RequestRecord>& GetRecords() const;
    /// \return the number of requests with an open connection
    uint32_t GetActiveRequests() const;

  protected:
    void DoDispose() override;

  private:
    /// A request whose connection is open.
    struct ActiveRequest
    {
        Ptr<Socket> socket;      //!< its connection
        std::size_t record{0};   //!< its position in m_records
        std::string header;      //!< response header bytes read so far
        bool headerDone{false};  //!< true once the blank line ended the header
        uint64_t expected{0};    //!< total response size, known once the header is read
        uint64_t read{0};        //!< response bytes read from the socket
        bool peerSentFin{false}; //!< true once the server's FIN arrived
    };

    void StartApplication() override;
    void StopApplication() override;

    /// Opens the connection of the next request and schedules the one after.
    void SendNextRequest();
    /// \param socket a connected socket
    void HandleConnected(Ptr<Socket> socket);
    /// \param socket a socket whose handshake failed
    void HandleConnectFailed(Ptr<Socket> socket);
    /// \param socket a socket with response bytes
    void HandleRead(Ptr<Socket> socket);
    /// \param socket a socket closed by the peer with FIN
    void HandleNormalClose(Ptr<Socket> socket);
    /// \param socket a socket closed by a reset or an error
    void HandleErrorClose(Ptr<Socket> socket);
    /**
     * \brief Notes a FIN from the server; the State trace of the client's socket.
     * \param socket the socket
     * \param oldState the state left
     * \param newState the state entered
     */
    void HandleStateChange(Socket* socket,
                           TcpSocket::TcpStates_t oldState,
                           TcpSocket::TcpStates_t newState);
    /**
     * \brief Parses the response header read so far.
     * \param active the request
     * \return false if the header is malformed
     */
    bool ParseHeader(ActiveRequest& active);
    /**
     * \brief Records a request's end, closes its socket and removes it from the open requests.
     * \param socket the request's socket
     * \param outcome how it ended
     */
    void Finish(Ptr<Socket> socket, RequestOutcome outcome);

    Ipv4Address m_remoteAddress;          //!< the service's address (the VIP)
    uint16_t m_remotePort;                //!< the service's port
    uint32_t m_segmentSize;               //!< TCP maximum segment size
    Time m_synTimeout;                    //!< first SYN retransmission timeout
    uint32_t m_synRetries;                //!< SYN retransmissions before the connect fails
    std::vector<TraceRequest> m_requests; //!< the trace
    std::size_t m_next{0};                //!< next request to send
    EventId m_nextEvent;                  //!< the next request's event
    std::vector<RequestRecord> m_records; //!< one per request started
    std::unordered_map<Socket*, ActiveRequest> m_active; //!< open connections

    TracedCallback<const RequestRecord&> m_requestEndedTrace; //!< request finished
};

} // namespace ns3

#endif // MARL_LB_HTTP_TRACE_CLIENT_H
