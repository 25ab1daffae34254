/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Runs every example listed in test/examples-to-run.py with its short arguments and compares
// its standard output with a reference file, so that a change of behaviour shows up as a
// difference. ns-3's ExampleAsTestSuite runs programs through the ./ns3 script of a source
// tree, which a standalone build does not have; this suite runs the built programs directly.
//
// To accept new output after an intended change, run the suite with MARL_LB_UPDATE_REFERENCE=1
// in the environment and commit the rewritten files under test/reference/.

#include "ns3/test.h"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

using namespace ns3;

namespace
{

/// One example run: its command line and its reference file.
struct ExampleRun
{
    std::string command;   //!< program and arguments
    std::string reference; //!< reference file name
};

/// Reads the cpp_examples list of examples-to-run.py.
std::vector<ExampleRun>
ReadExampleList(const std::string& path)
{
    std::ifstream input(path);
    std::stringstream text;
    text << input.rdbuf();
    std::string content = text.str();
    auto start = content.find("cpp_examples");
    auto end = content.find("python_examples");
    std::string list = content.substr(start, end - start);
    // Adjacent string literals on continued lines are joined, as Python joins them.
    std::regex entry(R"re(\(\s*"([^"]+)"\s*,)re");
    std::vector<ExampleRun> runs;
    std::map<std::string, int> counts;
    for (auto it = std::sregex_iterator(list.begin(), list.end(), entry);
         it != std::sregex_iterator();
         ++it)
    {
        std::string command = (*it)[1];
        std::string program = command.substr(0, command.find(' '));
        runs.push_back({command, program + "-" + std::to_string(counts[program]++) + ".reflog"});
    }
    return runs;
}

} // namespace

/**
 * \ingroup marl-lb-tests
 * One example's output equals its reference.
 */
class ExampleOutputTestCase : public TestCase
{
  public:
    /// \param run the example and its reference
    explicit ExampleOutputTestCase(const ExampleRun& run)
        : TestCase(run.reference.substr(0, run.reference.size() - 7) + " output matches"),
          m_run(run)
    {
    }

  private:
    void DoRun() override
    {
        std::string output = CreateTempDirFilename(m_run.reference);
        std::string command = std::string(MARL_LB_EXAMPLES_DIR) + "/" + m_run.command + " > '"
                            + output + "' 2> /dev/null";
        int status = std::system(command.c_str());
        NS_TEST_ASSERT_MSG_EQ(status, 0, "example failed: " << m_run.command);

        std::string reference = std::string(MARL_LB_TEST_DIR) + "/reference/" + m_run.reference;
        if (std::getenv("MARL_LB_UPDATE_REFERENCE"))
        {
            std::ifstream source(output);
            std::ofstream target(reference);
            target << source.rdbuf();
            return;
        }
        std::ifstream expectedFile(reference);
        NS_TEST_ASSERT_MSG_EQ(expectedFile.good(),
                              true,
                              "reference " << reference
                                           << " is missing; run the suite with "
                                              "MARL_LB_UPDATE_REFERENCE=1 to create it");
        std::ifstream actualFile(output);
        std::string expectedLine;
        std::string actualLine;
        int line = 0;
        while (true)
        {
            bool moreExpected = static_cast<bool>(std::getline(expectedFile, expectedLine));
            bool moreActual = static_cast<bool>(std::getline(actualFile, actualLine));
            ++line;
            if (!moreExpected && !moreActual)
            {
                break;
            }
            NS_TEST_ASSERT_MSG_EQ(actualLine,
                                  expectedLine,
                                  m_run.command << ": line " << line << " differs from "
                                                << reference);
        }
    }

    ExampleRun m_run; //!< the example
};

/**
 * \ingroup marl-lb-tests
 * Test suite that runs the listed examples.
 */
class ExamplesTestSuite : public TestSuite
{
  public:
    ExamplesTestSuite()
        : TestSuite("marl-lb-examples", EXAMPLE)
    {
        for (const auto& run :
             ReadExampleList(std::string(MARL_LB_TEST_DIR) + "/examples-to-run.py"))
        {
            AddTestCase(new ExampleOutputTestCase(run), TestCase::QUICK);
        }
    }
};

/// Registers the suite.
static ExamplesTestSuite g_examplesTestSuite;
