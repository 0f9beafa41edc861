"""The LDS smoother against a Kalman filter and RTS smoother worked out by hand."""

import numpy as np

from signals.features.smoothing import lds_smooth

# Random walk x_t = x_{t-1} + w (var q), observed y_t = x_t + v (var r), initial
# state mean = mean(y), variance p0. With q = r = p0 = 1 and y = (0, 2, 4):
#
# forward Kalman filter (mean m_t, variance P_t; no prediction step at t = 0)
#   t=0: P = 1           K = 1/2     m = 2 + (0 - 2)/2           = 1      P = 1/2
#   t=1: P = 1/2+1 = 3/2 K = 3/5     m = 1 + 3/5 (2 - 1)         = 8/5    P = 3/5
#   t=2: P = 3/5+1 = 8/5 K = 8/13    m = 8/5 + 8/13 (4 - 8/5)    = 40/13  P = 8/13
# Rauch-Tung-Striebel backwards, G_t = P_t / (P_t + q), s_t = m_t + G_t (s_{t+1} - m_t)
#   t=2: s = 40/13
#   t=1: G = (3/5)/(8/5) = 3/8   s = 8/5 + 3/8 (40/13 - 8/5) = 28/13
#   t=0: G = (1/2)/(3/2) = 1/3   s = 1 + 1/3 (28/13 - 1)     = 18/13
HAND_SERIES = np.array([0.0, 2.0, 4.0])
HAND_SMOOTHED = np.array([18.0, 28.0, 40.0]) / 13.0
UNIT_COVS = {"transition_cov": 1.0, "observation_cov": 1.0, "initial_cov": 1.0}


def test_smoother_matches_the_hand_worked_kalman_rts_example() -> None:
    np.testing.assert_allclose(lds_smooth(HAND_SERIES, **UNIT_COVS), HAND_SMOOTHED, rtol=1e-12)


def test_every_feature_is_smoothed_alone_with_the_same_gains() -> None:
    # the smoother is affine in the series (the initial mean is the series mean), so
    # a column 2y + 1 smooths to 2s + 1 and the constant column stays constant
    features = np.stack([HAND_SERIES, 2.0 * HAND_SERIES + 1.0, np.full(3, 7.0)], axis=1)
    out = lds_smooth(features[:, :, np.newaxis], **UNIT_COVS)
    assert out.shape == (3, 3, 1)
    expected = np.stack([HAND_SMOOTHED, 2.0 * HAND_SMOOTHED + 1.0, np.full(3, 7.0)], axis=1)
    np.testing.assert_allclose(out[:, :, 0], expected, rtol=1e-12)


def test_seed_defaults_shrink_a_step_towards_the_mean() -> None:
    # SEED's covariances (q = 1e-3, r = 1, p0 = 0.1) trust the observations little.
    # Worked out like the example above for y = (0, 2), mean 1:
    #   t=0: K = 0.1/1.1 = 1/11                 m = 1 - 1/11 = 10/11     P = 1/11
    #   t=1: P = 1/11 + 1e-3 = 0.0919091  K = 0.0841728
    #        m = 10/11 + K (2 - 10/11) = 1.0009158
    #   RTS: G = (1/11) / 0.0919091 = 0.9891197
    #        s_0 = 10/11 + G (1.0009158 - 10/11) = 0.9999167
    np.testing.assert_allclose(
        lds_smooth(np.array([0.0, 2.0])), [0.9999167430, 1.0009158272], rtol=1e-9
    )


def test_one_window_is_its_own_mean_and_integers_are_accepted() -> None:
    out = lds_smooth(np.array([[3, 5]]))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[3.0, 5.0]])
