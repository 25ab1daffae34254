/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

// Internal header of the agents library: it includes libtorch, so only the .cc files of
// model/agents may include it. Public headers reach these types through pimpl.

#ifndef MARL_LB_RECURRENT_AGENT_NET_H
#define MARL_LB_RECURRENT_AGENT_NET_H

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>
#include <tuple>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief The study's agent network: FC, FC, GRU, FC, FC with ReLU, one head per server.
 *
 * The output has one value per server and action level, shaped [batch, servers, levels] for
 * one step or [batch, time, servers, levels] for a sequence: logits for a policy, Q values
 * for a critic or a QMIX agent.
 */
class RecurrentAgentNetImpl : public torch::nn::Module
{
  public:
    /**
     * \brief Creates the layers.
     * \param inputSize values per input
     * \param hiddenSize width of every hidden layer and of the GRU state
     * \param heads number of output heads (servers)
     * \param levels action levels per head
     */
    RecurrentAgentNetImpl(int64_t inputSize, int64_t hiddenSize, int64_t heads, int64_t levels);

    /**
     * \brief Runs a batch of sequences.
     * \param input [batch, time, inputSize]
     * \param hidden [1, batch, hiddenSize], or an undefined tensor for zeros
     * \return the outputs [batch, time, heads, levels] and the last hidden state
     */
    std::tuple<torch::Tensor, torch::Tensor> forward(const torch::Tensor& input,
                                                     const torch::Tensor& hidden);

    /**
     * \brief Runs Step() for a batch of one with matrix-vector products.
     * \param input observation of shape [1, input]
     * \param hidden previous hidden state of shape [1, hidden]
     * \return the values of shape [1, heads, levels] and the new hidden state
     */
    std::tuple<torch::Tensor, torch::Tensor> StepOne(const torch::Tensor& input,
                                                     const torch::Tensor& hidden);

    /**
     * \brief Runs one step for a batch, with a GRU cell computed from the GRU's weights.
     *
     * Equal to forward() on sequences of length 1, but without the sequence machinery, which
     * costs more than the arithmetic at batch size 1.
     * \param input [batch, inputSize]
     * \param hidden [batch, hiddenSize]
     * \return the outputs [batch, heads, levels] and the new hidden state [batch, hiddenSize]
     */
    std::tuple<torch::Tensor, torch::Tensor> Step(const torch::Tensor& input,
                                                  const torch::Tensor& hidden);

    /// \return a zero hidden state for a batch, [batch, hiddenSize]
    torch::Tensor InitialHidden(int64_t batch) const;

    int64_t inputSize;  //!< values per input
    int64_t hiddenSize; //!< hidden width
    int64_t heads;      //!< output heads
    int64_t levels;     //!< levels per head

    torch::nn::Linear fc1{nullptr}; //!< first input layer
    torch::nn::Linear fc2{nullptr}; //!< second input layer
    torch::nn::GRU gru{nullptr};    //!< recurrent layer
    torch::nn::Linear fc3{nullptr}; //!< first output layer
    torch::nn::Linear fc4{nullptr}; //!< output layer, heads x levels values

  private:
    torch::Tensor m_weightIh; //!< the GRU's input weights, shared with gru
    torch::Tensor m_weightHh; //!< the GRU's hidden weights, shared with gru
    torch::Tensor m_biasIh;   //!< the GRU's input bias, shared with gru
    torch::Tensor m_biasHh;   //!< the GRU's hidden bias, shared with gru
};

TORCH_MODULE(RecurrentAgentNet);

} // namespace ns3

#endif // MARL_LB_RECURRENT_AGENT_NET_H
