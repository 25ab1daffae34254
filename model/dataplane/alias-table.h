/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_ALIAS_TABLE_H
#define MARL_LB_ALIAS_TABLE_H

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Walker's alias method (in Vose's numerically stable form) for drawing an index with
 * probability proportional to its weight in constant time.
 *
 * Build() costs O(n); each draw costs one uniform index and one uniform number in [0, 1).
 */
class AliasTable
{
  public:
    /**
     * \brief Builds the table.
     * \param weights non-negative weights with a positive sum
     * \return false if the weights are empty, negative, not finite, or sum to zero
     */
    bool Build(const std::vector<double>& weights);

    /**
     * \brief Draws an index.
     * \param column a uniform index in [0, GetSize())
     * \param coin a uniform number in [0, 1)
     * \return an index, drawn with probability weight / sum of weights
     */
    uint32_t Sample(uint32_t column, double coin) const
    {
        return coin < m_probability[column] ? column : m_alias[column];
    }

    /// \return the number of weights in the table
    uint32_t GetSize() const
    {
        return static_cast<uint32_t>(m_probability.size());
    }

    /**
     * \brief Computes the probability of each index from the table, for checks.
     * \return one probability per index
     */
    std::vector<double> GetProbabilities() const;

  private:
    std::vector<double> m_probability; //!< chance of keeping the column's own index
    std::vector<uint32_t> m_alias;     //!< the index drawn otherwise
};

} // namespace ns3

#endif // MARL_LB_ALIAS_TABLE_H
