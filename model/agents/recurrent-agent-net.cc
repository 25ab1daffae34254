/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "recurrent-agent-net.h"

#include <torch/nn/functional/activation.h>

namespace ns3
{

RecurrentAgentNetImpl::RecurrentAgentNetImpl(int64_t inputSize,
                                             int64_t hiddenSize,
                                             int64_t heads,
                                             int64_t levels)
    : inputSize(inputSize),
      hiddenSize(hiddenSize),
      heads(heads),
      levels(levels)
{
    fc1 = register_module("fc1", torch::nn::Linear(inputSize, hiddenSize));
    fc2 = register_module("fc2", torch::nn::Linear(hiddenSize, hiddenSize));
    gru = register_module(
        "gru",
        torch::nn::GRU(torch::nn::GRUOptions(hiddenSize, hiddenSize).batch_first(true)));
    fc3 = register_module("fc3", torch::nn::Linear(hiddenSize, hiddenSize));
    fc4 = register_module("fc4", torch::nn::Linear(hiddenSize, heads * levels));

    // all_weights() lists layer 0's tensors as weight_ih, weight_hh, bias_ih, bias_hh. Loading
    // a checkpoint replaces their contents in place, so these handles stay valid.
    auto weights = gru->all_weights();
    m_weightIh = weights[0];
    m_weightHh = weights[1];
    m_biasIh = weights[2];
    m_biasHh = weights[3];
}

std::tuple<torch::Tensor, torch::Tensor>
RecurrentAgentNetImpl::forward(const torch::Tensor& input, const torch::Tensor& hidden)
{
    const int64_t batch = input.size(0);
    const int64_t time = input.size(1);
    auto x = torch::relu(fc1->forward(input));
    x = torch::relu(fc2->forward(x));
    torch::Tensor h0 = hidden.defined() ? hidden : torch::zeros({1, batch, hiddenSize});
    auto [sequence, last] = gru->forward(x, h0);
    x = torch::relu(fc3->forward(sequence));
    x = fc4->forward(x);
    return {x.view({batch, time, heads, levels}), last};
}

std::tuple<torch::Tensor, torch::Tensor>
RecurrentAgentNetImpl::Step(const torch::Tensor& input, const torch::Tensor& hidden)
{
    if (input.size(0) == 1)
    {
        return StepOne(input, hidden);
    }
    auto x = torch::relu(fc1->forward(input));
    x = torch::relu(fc2->forward(x));

    // GRU cell with PyTorch's gate order (reset, update, new) and weights of layer 0.
    auto inputGates = torch::addmm(m_biasIh, x, m_weightIh.t()).chunk(3, 1);
    auto hiddenGates = torch::addmm(m_biasHh, hidden, m_weightHh.t()).chunk(3, 1);
    auto reset = torch::sigmoid(inputGates[0] + hiddenGates[0]);
    auto update = torch::sigmoid(inputGates[1] + hiddenGates[1]);
    auto candidate = torch::tanh(inputGates[2] + reset * hiddenGates[2]);
    auto next = candidate + update * (hidden - candidate);

    x = torch::relu(fc3->forward(next));
    x = fc4->forward(x);
    return {x.view({input.size(0), heads, levels}), next};
}

std::tuple<torch::Tensor, torch::Tensor>
RecurrentAgentNetImpl::StepOne(const torch::Tensor& input, const torch::Tensor& hidden)
{
    // The same computation as Step() for one sample, with matrix-vector products: a matrix
    // product of one row makes BLAS copy each weight matrix first, which costs more than the
    // product itself at these sizes.
    auto x = torch::relu(torch::addmv(fc1->bias, fc1->weight, input[0]));
    x = torch::relu(torch::addmv(fc2->bias, fc2->weight, x));
    auto h = hidden[0];
    auto inputGates = torch::addmv(m_biasIh, m_weightIh, x).chunk(3, 0);
    auto hiddenGates = torch::addmv(m_biasHh, m_weightHh, h).chunk(3, 0);
    auto reset = torch::sigmoid(inputGates[0] + hiddenGates[0]);
    auto update = torch::sigmoid(inputGates[1] + hiddenGates[1]);
    auto candidate = torch::tanh(inputGates[2] + reset * hiddenGates[2]);
    auto next = candidate + update * (h - candidate);
    x = torch::relu(torch::addmv(fc3->bias, fc3->weight, next));
    x = torch::addmv(fc4->bias, fc4->weight, x);
    return {x.view({1, heads, levels}), next.unsqueeze(0)};
}

torch::Tensor
RecurrentAgentNetImpl::InitialHidden(int64_t batch) const
{
    return torch::zeros({batch, hiddenSize});
}

} // namespace ns3
