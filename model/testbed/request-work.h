/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_REQUEST_WORK_H
#define MARL_LB_REQUEST_WORK_H

#include <cstdint>
#include <string>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief What a request URL asks of an application server.
 */
struct RequestKind
{
    /// The classes of page that the study's traces request.
    enum Type
    {
        FOR_LOOP,  //!< the PHP for-loop page, /dummy.php/?n=<iterations>; CPU-bound
        WIKI_PAGE, //!< a MediaWiki page, URL containing /wiki/index.php/; CPU-bound
        STATIC,    //!< any other URL: a static file; IO-bound
    };

    Type type{STATIC};      //!< page class
    uint64_t iterations{0}; //!< loop count of a FOR_LOOP request
};

/**
 * \ingroup marl-lb
 * \brief Classifies a request URL.
 *
 * A URL with a query parameter n=<digits> on the path /dummy.php (with or without a trailing
 * slash) is a FOR_LOOP request; a missing or non-numeric n counts as 0 iterations, as PHP
 * treats it.
 * \param url the request target, such as "/dummy.php/?n=5478122"
 * \return the page class and, for the for-loop page, its iteration count
 */
RequestKind ClassifyRequestUrl(const std::string& url);

/**
 * \ingroup marl-lb
 * \brief Computes the body size of the study's PHP for-loop page.
 *
 * The page loops n times and, every 4000 iterations, prints the loop counter followed by the
 * two characters backslash and n (a single-quoted "\n" in PHP is not a newline), so the body
 * grows with n: sum over k = 1 .. floor(n / 4000) of (digits(4000 k) + 2) bytes.
 * \param iterations the loop count n
 * \return the body size in bytes
 */
uint64_t ForLoopResponseBytes(uint64_t iterations);

} // namespace ns3

#endif // MARL_LB_REQUEST_WORK_H
