"""The web service (``fivegood serve``): the JSON API, its OpenAPI document and the staff pages.

Needs the ``server`` extra (``pip install "fivegood[server]"``). A thin layer:
every answer is made by the same library calls the command line makes.
"""
