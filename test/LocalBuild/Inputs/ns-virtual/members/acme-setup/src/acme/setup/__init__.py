NAME = 'setup'
