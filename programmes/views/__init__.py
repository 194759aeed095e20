"""The organisation's pages, one module per part (core: home, programmes, My team, administration)."""
