/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_REALNET_RECORDS_H
#define MARL_LB_REALNET_RECORDS_H

#include "request-record.h"

#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"

#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief One flow as the emulated load balancer saw it, from its first packet to its end.
 */
struct FlowLogEntry
{
    /// Marks a flow still in the flow table when the load balancer stopped.
    static constexpr int STILL_OPEN = -1;

    Ipv4Address clientAddress; //!< the client's address
    uint16_t clientPort{0};    //!< the connection's source port
    uint32_t server{0};        //!< position of the server the flow went to
    bool bySyn{true};          //!< the policy chose (SYN), not the consistent-hash fallback
    Time selected;             //!< when the server was chosen, load-balancer time
    Time ended;                //!< when the entry ended, if it did
    int endCause{STILL_OPEN};  //!< LbDataPlane::FlowEndCause, or STILL_OPEN
};

/**
 * \ingroup marl-lb
 * \brief Names a flow's end for the flow log.
 * \param cause LbDataPlane::FlowEndCause or FlowLogEntry::STILL_OPEN
 * \return "rst", "fin", "timeout" or "open"
 */
std::string FlowEndName(int cause);

/**
 * \ingroup marl-lb
 * \brief Writes flows as CSV: a header line, then client_address, client_port, server,
 * by_syn, selected_s, ended_s (empty if open) and end per line.
 * \param os the stream
 * \param flows the flows
 */
void WriteFlowLog(std::ostream& os, const std::vector<FlowLogEntry>& flows);

/**
 * \ingroup marl-lb
 * \brief Reads a file written by WriteFlowLog().
 * \param path the file
 * \return the flows; stops the program naming the file and line of a bad line
 */
std::vector<FlowLogEntry> ReadFlowLog(const std::string& path);

/**
 * \ingroup marl-lb
 * \brief Writes request records as CSV, one line per request, with the columns of the
 * result database's requests table.
 * \param os the stream
 * \param records the records
 */
void WriteRequestRecords(std::ostream& os, const std::vector<RequestRecord>& records);

/**
 * \ingroup marl-lb
 * \brief Reads a file written by WriteRequestRecords().
 * \param path the file
 * \return the records; stops the program naming the file and line of a bad line
 */
std::vector<RequestRecord> ReadRequestRecords(const std::string& path);

/**
 * \ingroup marl-lb
 * \brief Fills in the load balancer and server of each request from the flow log.
 *
 * A request's flow is the flow log entry with the request's client address and port. An
 * entry made at a SYN wins over a consistent-hash fallback entry. If the port was reused, the
 * last entry counts.
 * \param records the requests
 * \param flows the flow log of one load balancer
 * \param loadBalancer the load balancer's index
 * \return the number of requests that found their flow
 */
uint64_t AttachFlowLog(std::vector<RequestRecord>& records,
                       const std::vector<FlowLogEntry>& flows,
                       uint32_t loadBalancer);

} // namespace ns3

#endif // MARL_LB_REALNET_RECORDS_H
