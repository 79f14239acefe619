module workshop/generator

go 1.22
