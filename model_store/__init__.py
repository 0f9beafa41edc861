"""Model code, model cards, TorchServe handlers, training and archive building."""
