"""Neural-network layers, losses and init (see the modules inside)."""
