"""Views of the coordination area (/samordning/), one module per concern.
Thin: parse, ask the policy, call a service, render."""
