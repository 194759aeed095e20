"""The organisation's pages, one module per part (core: home, the programme list and page, members, My team)."""
