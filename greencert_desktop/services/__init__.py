"""Use cases over storage; they return plain data and never import Qt."""
