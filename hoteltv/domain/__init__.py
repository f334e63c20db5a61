"""Domain knowledge as data plus the pure logic over it: TV modes, divisions, checklist rules, lifecycle."""
