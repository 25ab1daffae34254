/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_REQUEST_RECORD_H
#define MARL_LB_REQUEST_RECORD_H

#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief How a request ended.
 */
enum class RequestOutcome
{
    COMPLETED,      //!< the whole response arrived
    RESET,          //!< the server or the network reset the connection
    CONNECT_FAILED, //!< the handshake failed: every SYN went unanswered
    CLOSED_EARLY,   //!< the server closed the connection before the whole response
    BAD_RESPONSE,   //!< the response was not HTTP/1.1 with a Content-Length, or not 200
    UNFINISHED,     //!< still running when the client stopped
};

/**
 * \brief Names an outcome in lower case, as results and messages print it.
 * \param outcome the outcome
 * \return "completed", "reset", "connect-failed", "closed-early", "bad-response" or
 *         "unfinished"
 */
std::string RequestOutcomeName(RequestOutcome outcome);

/**
 * \ingroup marl-lb
 * \brief Everything measured of one request of a trace, completed or failed.
 *
 * Job completion time (JCT) is the time from the client's connect to the last byte of the
 * response; it is meaningful only for COMPLETED requests. The load balancer and server are
 * filled in by the code that links the client's flow to the load balancers' decisions (the testbed
 * helper does), and stay at their "unknown" value otherwise.
 */
struct RequestRecord
{
    static constexpr uint32_t UNKNOWN = UINT32_MAX; //!< marks an unknown load balancer or server

    uint64_t index{0};         //!< position of the request in the client's trace
    uint32_t client{0};        //!< node id of the client
    Ipv4Address clientAddress; //!< the client's address
    uint16_t clientPort{0};    //!< the connection's source port
    std::string url;           //!< request target
    Time scheduled;            //!< trace time at which the request was due
    Time start;                //!< connect time
    Time end;                  //!< last byte of the response, or the failure time
    uint64_t bytes{0};         //!< response bytes received, headers included
    uint32_t httpStatus{0};    //!< HTTP status code, 0 if no header arrived
    RequestOutcome outcome{RequestOutcome::UNFINISHED}; //!< how the request ended
    uint32_t loadBalancer{UNKNOWN}; //!< index of the load balancer that took the flow
    uint32_t server{UNKNOWN};       //!< index of the server that took the flow

    /// \return end - start, the job completion time
    Time GetJct() const;
};

} // namespace ns3

#endif // MARL_LB_REQUEST_RECORD_H
