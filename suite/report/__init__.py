"""suite.report"""
