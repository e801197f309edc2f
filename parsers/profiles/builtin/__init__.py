"""The profiles shipped with gigdata: synthetic examples only (`example = true`), never a real platform's
layout. A package so that its `*.toml` files are installed with gigdata (pyproject package-data)."""
