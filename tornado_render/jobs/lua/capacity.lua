-- ARGV: prefix
return capacity()
