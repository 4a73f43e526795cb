"""Tables people read (rich, imported inside the functions): a round's status, who owes what,
the remarks of a chapter, who a reminder would go to. Commands call these after reading the
domain; ``--json`` never comes here."""
