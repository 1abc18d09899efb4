package dev.asyncore.bench;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * Netty 4.2's echo server as the peer: NIO transport, one event-loop thread for accepting and I/O,
 * the same socket options as ours (backlog 1024, TCP_NODELAY), write on read, flush on read complete.
 */
final class NettyEcho implements EchoPeer {

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	private final Channel server;

	private final Thread thread;

	private final AtomicLong active = new AtomicLong();

	NettyEcho() throws Exception {
		EchoHandler handler = new EchoHandler(this.active);
		this.server = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.option(ChannelOption.SO_BACKLOG, 1024)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					channel.pipeline().addLast(handler);
				}

			})
			.bind(new InetSocketAddress("127.0.0.1", 0))
			.sync()
			.channel();
		this.thread = this.group.next().submit(Thread::currentThread).get();
	}

	@Override
	public String name() {
		return "netty";
	}

	@Override
	public InetSocketAddress address() {
		return (InetSocketAddress) this.server.localAddress();
	}

	@Override
	public List<Thread> serverThreads() {
		return List.of(this.thread);
	}

	@Override
	public long activeConnections() {
		return this.active.get();
	}

	@Override
	public void close() throws Exception {
		this.server.close().sync();
		this.group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
	}

	@Sharable
	static final class EchoHandler extends ChannelInboundHandlerAdapter {

		private final AtomicLong active;

		EchoHandler(AtomicLong active) {
			this.active = active;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			this.active.incrementAndGet();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			this.active.decrementAndGet();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ctx.write(msg, ctx.voidPromise());
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.flush();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

	}

}
