/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Test runner for the standalone build: Debian's ns-3 ships the test framework but no runner.

#include "ns3/test.h"

int
main(int argc, char** argv)
{
    return ns3::TestRunner::Run(argc, argv);
}
