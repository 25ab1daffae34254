/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_FLOW_TABLE_H
#define MARL_LB_FLOW_TABLE_H

#include "flow-key.h"

#include "ns3/nstime.h"

#include <unordered_map>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief One flow-table entry: where a flow goes and how far it has come.
 */
struct FlowEntry
{
    /// Progress of the flow as seen from the client side.
    enum State : uint8_t
    {
        SYN_SEEN,    //!< a SYN created the entry; not yet counted as on-going
        ESTABLISHED, //!< the client's first ACK arrived; counted as on-going
        UNTRACKED,   //!< created by a non-SYN packet of an unknown flow; never counted
        CLOSING,     //!< the client sent FIN; kept only so that its last ACKs follow it
    };

    uint32_t server{0};   //!< position of the chosen server in the data plane's list
    State state{SYN_SEEN}; //!< progress of the flow
    Time start;           //!< arrival of the packet that created the entry
    Time lastSeen;        //!< arrival of the flow's latest packet
};

/**
 * \ingroup marl-lb
 * \brief Map from flow key to flow entry.
 */
using FlowTable = std::unordered_map<FlowKey, FlowEntry, FlowKeyHasher>;

} // namespace ns3

#endif // MARL_LB_FLOW_TABLE_H
