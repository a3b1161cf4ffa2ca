"""The coordination area (Samordning): who may see what (policies), the
writes (services), reporting and suppression, forms, views and URLs."""
