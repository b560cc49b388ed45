"""Our gradients against float64 central differences of our own forward, for every case that
opts in (no PyTorch involved), and proof that the check can fail."""
from __future__ import annotations

import pytest

from compare import Case, all_cases
from compare.gradcheck import gradcheck, gradcheck_cases
from compare.registry import farg

CASES = gradcheck_cases(all_cases())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_backward_matches_finite_differences(case):
    for seed in (0, 1):
        result = gradcheck(case, seed)
        assert result.status != "failed", result.message


def test_every_op_case_gets_finite_differences_unless_opted_out():
    """Opting out is for points where the derivative does not exist (ties, 0**b) or is NaN/inf."""
    skipped = {c.name for c in all_cases(kind="op") if not c.gradcheck}
    assert skipped <= {"argmax", "max_ties", "amax_ties", "maximum_ties", "minimum_ties", "var_one_element_is_nan",
                       "std_constant_grad_is_0", "logsumexp_with_neg_inf", "pow_zero_base_tensor_exponent",
                       # ties on purpose (cases_sorting.py): a perturbation breaks the tie
                       "mode", "mode_dim0_keepdim", "cummax_ties",
                       # a straight-through estimator: the gradient is the soft sample's by definition,
                       # while the forward is a one-hot (cases_activation.py)
                       "F.gumbel_softmax_hard",
                       # piecewise-constant quotients (cases_math.py): a perturbation may cross a jump
                       "div_trunc", "div_floor"}, skipped


def test_gradcheck_catches_a_wrong_backward():
    from tinygrad_lr.autograd import Op

    class WrongExp(Op):
        def forward(self, a):
            out = self.xp.exp(a)
            self.save(out)
            return out

        def backward(self, out_grad):
            (out,) = self.saved
            return out_grad * out * 1.01  # 1% off

    case = Case("wrong_exp", fn=lambda ns, a: WrongExp.apply(a), args=(farg(2, 3),))
    result = gradcheck(case)
    assert result.status == "failed"
    assert "grad of input 0" in result.message
